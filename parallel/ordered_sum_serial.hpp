#pragma once
// The summation order that makes a global sum independent of the rank count (docs/parallel.md):
// each row is summed in column order (west to east) starting from 0.0, then the row sums are
// added in row order (north to south) starting from 0.0, all in double. This is the order that
// BasicSimulation::volume() already uses (its OpenMP threads split rows, never a row). A serial
// code whose sums must match a distributed run sums this way; OrderedSum (ordered_sum.hpp, MPI)
// gives the same bits for any decomposition. No MPI here.
#include <vector>

#include "mesh/grid2d.hpp"

namespace floodsim::parallel {

/// Row sums combined in row order (the second half of the fixed order).
inline double sum_rows_in_order(const std::vector<double>& rows) {
    double total = 0.0;
    for (double r : rows) total += r;
    return total;
}

/// The sum of value(i, j) (a double, or converted to one) over the interior cells of `grid` in the
/// fixed order: row sums in column order, then rows in order.
template <class CellValue>
double serial_ordered_sum(const Grid2D& grid, CellValue&& value) {
    std::vector<double> rows(static_cast<std::size_t>(grid.ny), 0.0);
    for (int j = 0; j < grid.ny; ++j) {
        double s = 0.0;
        for (int i = 0; i < grid.nx; ++i) s += static_cast<double>(value(i, j));
        rows[j] = s;
    }
    return sum_rows_in_order(rows);
}

}  // namespace floodsim::parallel
