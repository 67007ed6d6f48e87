#include "parallel/halo_exchange.hpp"

#include <climits>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "parallel/mpi_check.hpp"

namespace floodsim::parallel {

namespace {

void check_mpi(int rc, const char* what) { floodsim::parallel::check_mpi(rc, "halo exchange", what); }

std::size_t element_size(const HaloField& f) {
    return std::visit([](auto* p) { return sizeof(*p->data()); }, f);
}

std::size_t field_size(const HaloField& f) {
    return std::visit([](auto* p) { return p ? p->size() : std::size_t{0}; }, f);
}

bool is_null(const HaloField& f) {
    return std::visit([](auto* p) { return p == nullptr; }, f);
}

}  // namespace

HaloExchange::HaloExchange(const Decomposition& decomposition, int rank, const Grid2D& grid, int width,
                           std::vector<HaloField> fields, MPI_Comm comm, int tag)
    : grid_(grid), width_(width), fields_(std::move(fields)), comm_(comm), tag_(tag) {
    const CellRect& own = decomposition.block(rank).cells;
    if (grid.i0 != own.i0 || grid.j0 != own.j0 || grid.nx != own.nx || grid.ny != own.ny ||
        grid.global_size_x() != decomposition.global_nx() || grid.global_size_y() != decomposition.global_ny())
        throw std::invalid_argument("halo exchange: the grid is not block " + std::to_string(rank) +
                                    " of the decomposition");
    if (width < 1 || width > grid.ghost)
        throw std::invalid_argument("halo exchange: width " + std::to_string(width) + " outside 1.." +
                                    std::to_string(grid.ghost) + " (the grid's ghost width)");
    if (fields_.empty()) throw std::invalid_argument("halo exchange: no fields");
    for (const HaloField& f : fields_) {
        if (is_null(f)) throw std::invalid_argument("halo exchange: null field");
        if (field_size(f) != grid.size()) throw std::invalid_argument("halo exchange: a field is not on the grid");
        bytes_per_cell_ += element_size(f);
    }

    // What goes to and comes from each touching block (same blocks both ways), in rank order.
    const auto targets = decomposition.halo_targets(rank, width);
    const auto sources = decomposition.halo_sources(rank, width);
    if (targets.size() != sources.size()) throw std::logic_error("halo exchange: asymmetric halo overlaps");
    std::size_t send_total = 0, recv_total = 0;
    for (std::size_t k = 0; k < targets.size(); ++k) {
        if (targets[k].rank != sources[k].rank) throw std::logic_error("halo exchange: asymmetric halo overlaps");
        Peer p;
        p.rank = targets[k].rank;
        p.send_cells = targets[k].cells;
        p.recv_cells = sources[k].cells;
        p.send_offset = send_total;
        p.send_bytes = p.send_cells.cells() * bytes_per_cell_;
        p.recv_offset = recv_total;
        p.recv_bytes = p.recv_cells.cells() * bytes_per_cell_;
        if (p.send_bytes > static_cast<std::size_t>(INT_MAX) || p.recv_bytes > static_cast<std::size_t>(INT_MAX))
            throw std::invalid_argument("halo exchange: a message over 2 GiB");
        send_total += p.send_bytes;
        recv_total += p.recv_bytes;
        peers_.push_back(p);
    }
    send_buf_.resize(send_total);
    recv_buf_.resize(recv_total);
    requests_.assign(2 * peers_.size(), MPI_REQUEST_NULL);
}

HaloExchange::~HaloExchange() {
    // Messages still in flight use the buffers: let them complete before the buffers go.
    if (!in_flight_) return;
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);
}

void HaloExchange::pack(const Peer& p) {
    std::byte* out = send_buf_.data() + p.send_offset;
    const CellRect& r = p.send_cells;
    for (const HaloField& f : fields_) {
        std::visit(
            [&](auto* field) {
                using T = std::remove_reference_t<decltype(*field->data())>;
                for (int gj = r.j0; gj < r.j0 + r.ny; ++gj) {
                    const T* src = field->row(grid_.local_j(gj)) + grid_.local_i(r.i0);
                    std::memcpy(out, src, sizeof(T) * r.nx);
                    out += sizeof(T) * r.nx;
                }
            },
            f);
    }
}

void HaloExchange::unpack(const Peer& p) {
    const std::byte* in = recv_buf_.data() + p.recv_offset;
    const CellRect& r = p.recv_cells;
    for (const HaloField& f : fields_) {
        std::visit(
            [&](auto* field) {
                using T = std::remove_reference_t<decltype(*field->data())>;
                for (int gj = r.j0; gj < r.j0 + r.ny; ++gj) {
                    T* dst = field->row(grid_.local_j(gj)) + grid_.local_i(r.i0);
                    std::memcpy(dst, in, sizeof(T) * r.nx);
                    in += sizeof(T) * r.nx;
                }
            },
            f);
    }
}

void HaloExchange::begin() {
    if (in_flight_) throw std::logic_error("halo exchange: begin() twice without finish()");
    const int n = static_cast<int>(peers_.size());
    // Receives first, so that a neighbour's message finds its buffer waiting.
    for (int k = 0; k < n; ++k) {
        const Peer& p = peers_[k];
        check_mpi(MPI_Irecv(recv_buf_.data() + p.recv_offset, static_cast<int>(p.recv_bytes), MPI_BYTE, p.rank, tag_,
                            comm_, &requests_[k]),
                  "MPI_Irecv");
    }
    in_flight_ = true;
    for (int k = 0; k < n; ++k) {
        const Peer& p = peers_[k];
        pack(p);
        check_mpi(MPI_Isend(send_buf_.data() + p.send_offset, static_cast<int>(p.send_bytes), MPI_BYTE, p.rank, tag_,
                            comm_, &requests_[n + k]),
                  "MPI_Isend");
    }
}

void HaloExchange::finish() {
    if (!in_flight_) throw std::logic_error("halo exchange: finish() without begin()");
    const int n = static_cast<int>(peers_.size());
    // Unpack each neighbour's cells as they arrive.
    for (int done = 0; done < n; ++done) {
        int k = MPI_UNDEFINED;
        check_mpi(MPI_Waitany(n, requests_.data(), &k, MPI_STATUS_IGNORE), "MPI_Waitany");
        if (k == MPI_UNDEFINED) break;
        unpack(peers_[k]);
    }
    check_mpi(MPI_Waitall(n, requests_.data() + n, MPI_STATUSES_IGNORE), "MPI_Waitall");
    in_flight_ = false;
}

}  // namespace floodsim::parallel
