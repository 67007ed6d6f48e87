// fv2: not built yet (issue: second-order and local-inertial schemes). The scenario loader's
// model builder refuses scheme = "fv2" until this file holds the scheme.
#include <stdexcept>

#include "solver/simulation.hpp"

namespace floodsim {

void Simulation::step_fv2(double, double) { throw std::logic_error("the fv2 scheme is not available yet"); }

}  // namespace floodsim
