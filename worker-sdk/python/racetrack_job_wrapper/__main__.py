from racetrack_job_wrapper.main import main

if __name__ == '__main__':
    main()
