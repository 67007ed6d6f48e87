#include "parallel/ordered_sum.hpp"

#include <climits>
#include <stdexcept>
#include <string>

#include "parallel/mpi_check.hpp"

namespace floodsim::parallel {

namespace {

void check_mpi(int rc, const char* what) { floodsim::parallel::check_mpi(rc, "ordered sum", what); }

}  // namespace

OrderedSum::OrderedSum(const Decomposition& decomposition, int rank, MPI_Comm comm, int tag)
    : comm_(comm), tag_(tag), global_ny_(decomposition.global_ny()) {
    int size = 0;
    check_mpi(MPI_Comm_size(comm, &size), "MPI_Comm_size");
    if (size != decomposition.parts())
        throw std::invalid_argument("ordered sum: " + std::to_string(size) + " ranks for " +
                                    std::to_string(decomposition.parts()) + " blocks");
    const Block& b = decomposition.block(rank);
    nx_ = b.cells.nx;
    ny_ = b.cells.ny;
    // Ranks go west to east within a strip (Decomposition numbers them so).
    if (b.column > 0) west_ = rank - 1;
    if (b.column + 1 < decomposition.px()) east_ = rank + 1;
    for (const Block& o : decomposition.blocks()) {
        const bool easternmost = o.column + 1 == decomposition.px();
        strip_rows_.push_back(easternmost ? o.cells.ny : 0);
        strip_start_.push_back(o.cells.j0);
    }
}

void OrderedSum::receive_west(std::size_t k) {
    rows_.assign(static_cast<std::size_t>(ny_) * k, 0.0);
    if (west_ < 0) return;
    if (rows_.size() > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("ordered sum: too many rows");
    check_mpi(MPI_Recv(rows_.data(), static_cast<int>(rows_.size()), MPI_DOUBLE, west_, tag_, comm_, MPI_STATUS_IGNORE),
              "MPI_Recv");
}

void OrderedSum::sum_row_items(std::span<const double> items, int per_row, std::span<double> totals) {
    const std::size_t k = totals.size();
    if (k == 0) return;
    if (per_row < 0 || items.size() != k * static_cast<std::size_t>(ny_) * static_cast<std::size_t>(per_row))
        throw std::invalid_argument("ordered sum: the items are not per_row items per row and quantity");
    receive_west(k);
    for (std::size_t q = 0; q < k; ++q)
        for (int j = 0; j < ny_; ++j) {
            const double* row = items.data() + (q * static_cast<std::size_t>(ny_) + j) * per_row;
            double s = rows_[static_cast<std::size_t>(j) * k + q];
            for (int g = 0; g < per_row; ++g) s += row[g];
            rows_[static_cast<std::size_t>(j) * k + q] = s;
        }
    finish_rows(k, totals.data());
}

void OrderedSum::finish_rows(std::size_t k, double* out) {
    if (east_ >= 0) {
        check_mpi(MPI_Send(rows_.data(), static_cast<int>(rows_.size()), MPI_DOUBLE, east_, tag_, comm_), "MPI_Send");
    }
    // The easternmost block of each strip holds the strip's complete row sums: gather them all.
    const std::size_t total = static_cast<std::size_t>(global_ny_) * k;
    if (total > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("ordered sum: too many rows");
    std::vector<int> counts(strip_rows_.size()), displs(strip_rows_.size());
    for (std::size_t r = 0; r < strip_rows_.size(); ++r) {
        counts[r] = strip_rows_[r] * static_cast<int>(k);
        displs[r] = strip_start_[r] * static_cast<int>(k);
    }
    all_rows_.resize(total);
    const int mine = east_ < 0 ? static_cast<int>(rows_.size()) : 0;
    check_mpi(MPI_Allgatherv(rows_.data(), mine, MPI_DOUBLE, all_rows_.data(), counts.data(), displs.data(), MPI_DOUBLE,
                             comm_),
              "MPI_Allgatherv");
    // Rows in order, from 0.0, as sum_rows_in_order does.
    for (std::size_t q = 0; q < k; ++q) {
        double s = 0.0;
        for (int j = 0; j < global_ny_; ++j) s += all_rows_[static_cast<std::size_t>(j) * k + q];
        out[q] = s;
    }
}

double global_min(double local, MPI_Comm comm) {
    double out = local;
    check_mpi(MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_MIN, comm), "MPI_Allreduce");
    return out;
}

double global_max(double local, MPI_Comm comm) {
    double out = local;
    check_mpi(MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_MAX, comm), "MPI_Allreduce");
    return out;
}

}  // namespace floodsim::parallel
