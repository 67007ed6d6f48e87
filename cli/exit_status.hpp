#pragma once
// The exit status of a command from its exceptions: one rule for every command.
#include <cstdio>
#include <exception>

#include "mesh/input_error.hpp"

namespace floodsim {

/// Runs a command's body and returns its status; bad input (InputError) prints one line on
/// stderr and gives 2, any other failure one line and 1.
template <class F>
int with_exit_status(F&& body) {
    try {
        return body();
    } catch (const InputError& e) {
        std::fprintf(stderr, "floodsim: error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floodsim: error: %s\n", e.what());
        return 1;
    }
}

}  // namespace floodsim
