#pragma once
// Global sums that are bitwise identical for any rank count (docs/parallel.md), and global
// minima and maxima.
//
// The fixed order is that of serial_ordered_sum (ordered_sum_serial.hpp): every row summed in
// column order from 0.0, then the row sums in row order from 0.0. Floating-point addition is not
// associative, so a row split between blocks cannot be summed as two partial sums added later:
// (a + b) + (c + d) is not ((a + b) + c) + d. Instead the blocks of a strip pass their running
// row sums west to east: the westernmost block starts every row at 0.0 and sends its row sums to
// its east neighbour, which continues them over its own columns, and so on. The easternmost block
// then holds the exact serial row sums of its strip; every rank gathers all row sums and adds them
// in row order. Each rank thus performs exactly the serial additions, in the serial order.
//
// Cost: px - 1 sequential messages along a strip (strips work at the same time), then one
// allgather of ny numbers per summed quantity. sums<K>() sums K quantities in one pass for the
// cost of one.
#include <mpi.h>

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "mesh/field.hpp"
#include "parallel/decomposition.hpp"
#include "parallel/ordered_sum_serial.hpp"

namespace floodsim::parallel {

class OrderedSum {
public:
    /// For block `rank` of `decomposition` on `comm` (one rank per block, rank = block). `tag`
    /// tells its messages apart from other traffic on `comm`. Not collective; sum() is.
    OrderedSum(const Decomposition& decomposition, int rank, MPI_Comm comm, int tag = 1401);

    /// The global sum of values(i, j) over every block's interior cells (local indices of this
    /// block, 0 <= i < nx, 0 <= j < ny), in the fixed order. values returns std::array<double, K>
    /// (K quantities per cell, e.g. the ledger's terms). Collective: every rank calls it with the
    /// same K. Gives every rank the same result, bitwise equal to serial_ordered_sum over the whole
    /// grid for each quantity.
    template <std::size_t K, class CellValues>
    std::array<double, K> sums(CellValues&& values) {
        static_assert(K >= 1);
        receive_west(K);  // running row sums from the west block, or 0.0 at the grid's west edge
        for (int j = 0; j < ny_; ++j) {
            std::array<double, K> s;
            for (std::size_t k = 0; k < K; ++k) s[k] = rows_[static_cast<std::size_t>(j) * K + k];
            for (int i = 0; i < nx_; ++i) {
                const std::array<double, K> v = values(i, j);
                for (std::size_t k = 0; k < K; ++k) s[k] += v[k];
            }
            for (std::size_t k = 0; k < K; ++k) rows_[static_cast<std::size_t>(j) * K + k] = s[k];
        }
        std::array<double, K> out;
        finish_rows(K, out.data());
        return out;
    }

    /// One quantity: value(i, j) returns a double (or something converted to one).
    template <class CellValue>
    double sum(CellValue&& value) {
        return sums<1>([&](int i, int j) { return std::array<double, 1>{static_cast<double>(value(i, j))}; })[0];
    }
    /// The sum of a field's interior cells (each converted to double first, as the serial code does).
    template <class T>
    double sum(const Field<T>& f) {
        return sum([&f](int i, int j) { return static_cast<double>(f(i, j)); });
    }

    /// The global sums of `totals.size()` quantities given per row as items (SubdomainLinks::
    /// sum_row_items): items[(k * ny + j) * per_row + g] is item g of this block's row j for
    /// quantity k. Each global row is the items of its blocks west to east, summed in that order
    /// from 0.0; the rows in row order. Collective, with the same number of quantities everywhere
    /// (per_row may differ between blocks).
    void sum_row_items(std::span<const double> items, int per_row, std::span<double> totals);

private:
    void receive_west(std::size_t k);
    void finish_rows(std::size_t k, double* out);

    MPI_Comm comm_;
    int tag_ = 0;
    int nx_ = 0, ny_ = 0;
    int west_ = -1, east_ = -1;  // ranks of the strip's neighbouring blocks (-1: none)
    int global_ny_ = 0;
    std::vector<int> strip_rows_;   // per rank: rows it contributes to the gather (0 unless easternmost)
    std::vector<int> strip_start_;  // per rank: first global row of its block
    std::vector<double> rows_;      // this block's running row sums, K per row
    std::vector<double> all_rows_;  // every row's sum, K per row, global row order
};

/// The smallest (largest) of every rank's value, on every rank. Order-independent, so identical
/// for any rank count, provided no value is NaN (MPI leaves NaN's fate to the order of
/// comparisons: check for NaN before reducing).
double global_min(double local, MPI_Comm comm);
double global_max(double local, MPI_Comm comm);

}  // namespace floodsim::parallel
