// Taking the GIL from a thread of the C++ runtime. The first time a thread takes it, Python
// creates a thread state for it; the thread keeps that state for its lifetime, so later calls
// pay only for the lock, and the job's thread-local data (threading.local) lives as long as the
// thread, as it would on a Python thread pool.
#pragma once

#include <pybind11/pybind11.h>

namespace racetrack::python {

class Gil {
 public:
  Gil() {
    thread_local bool kept = false;
    if (!kept) {
      acquire_.inc_ref();  // never released: the thread state stays with the thread
      kept = true;
    }
  }

 private:
  pybind11::gil_scoped_acquire acquire_;
};

}  // namespace racetrack::python
