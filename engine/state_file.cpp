#include "engine/state_file.hpp"

#include <stdexcept>

namespace floodsim {

template <class Real>
void write_state_file(const std::string& path, const BasicSimulation<Real>&, const Scenario&) {
    throw std::runtime_error("cannot write state file " + path + ": not yet implemented");
}

template void write_state_file(const std::string&, const BasicSimulation<double>&, const Scenario&);
template void write_state_file(const std::string&, const BasicSimulation<float>&, const Scenario&);

}  // namespace floodsim
