class Job:
    def perform(self, x=1):
        return x

    def docs_input_example(self):
        return ['not', 'a', 'dict']
