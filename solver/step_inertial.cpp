// inertial: not built yet (issue: second-order and local-inertial schemes). The model builder
// refuses scheme = "inertial" until this file holds the scheme.
#include <stdexcept>

#include "solver/simulation.hpp"

namespace floodsim {

void Simulation::step_inertial(double, double) { throw std::logic_error("the inertial scheme is not available yet"); }
double Simulation::inertial_time_step() const { throw std::logic_error("the inertial scheme is not available yet"); }

}  // namespace floodsim
