#pragma once
// One check of MPI return codes for the MPI parts of parallel/: a failure throws one line naming
// the part, the call and MPI's own text for the code.
#include <mpi.h>

#include <stdexcept>
#include <string>

namespace floodsim::parallel {

inline void check_mpi(int rc, const char* part, const char* what) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw std::runtime_error(std::string(part) + ": " + what + ": " + std::string(text, len));
}

}  // namespace floodsim::parallel
