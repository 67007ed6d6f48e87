#pragma once
// Halo exchange between the blocks of a Decomposition (docs/parallel.md): one rank's fields get
// the cells of their halo of width w from the blocks that own them, corners included, with
// non-blocking messages so that interior work can run between begin() and finish().
//
// One message per touching block and direction carries every field of the exchange (packed one
// after the other), so an exchange of h, hu and hv costs one latency per neighbour, not three.
// Halo cells beyond the global grid are not touched: the physical boundaries fill them.
#include <mpi.h>

#include <cstddef>
#include <variant>
#include <vector>

#include "mesh/field.hpp"
#include "mesh/grid2d.hpp"
#include "parallel/decomposition.hpp"

namespace floodsim::parallel {

/// A field taking part in an exchange (double or float).
using HaloField = std::variant<Field<double>*, Field<float>*>;

class HaloExchange {
public:
    /// The exchange of halo width `width` for block `rank` of `decomposition`, whose grid is
    /// `grid` (decomposition.block_grid(global, rank): same offset and size), for `fields` (on
    /// that grid; they must outlive the exchange object, and may change contents between
    /// exchanges but not size). 1 <= width <= grid.ghost (fv2 needs 2, fv1 and inertial 1).
    /// `tag` tells this exchange's messages apart from those of another exchange in flight at the
    /// same time on `comm`. The packing buffers are allocated here, once. Not collective.
    /// Throws std::invalid_argument on a grid or field that does not fit.
    HaloExchange(const Decomposition& decomposition, int rank, const Grid2D& grid, int width,
                 std::vector<HaloField> fields, MPI_Comm comm, int tag = 1400);
    ~HaloExchange();
    HaloExchange(const HaloExchange&) = delete;
    HaloExchange& operator=(const HaloExchange&) = delete;

    /// Posts the receives, copies the own cells the neighbours need into the send buffers and
    /// posts the sends. Until finish(), the halo cells of width `width` that neighbours fill are
    /// neither read nor written; the own cells are free (they were copied here), so the interior
    /// work can run in between. Throws std::logic_error if already begun.
    void begin();
    /// Waits for the messages and unpacks the received cells into the halos.
    void finish();
    /// begin() then finish().
    void exchange() {
        begin();
        finish();
    }

    int width() const { return width_; }
    /// Blocks this rank exchanges with (the same ones send and receive).
    int neighbours() const { return static_cast<int>(peers_.size()); }
    /// Bytes this rank sends (and receives) per exchange.
    std::size_t bytes_sent() const { return send_buf_.size(); }
    std::size_t bytes_received() const { return recv_buf_.size(); }

private:
    struct Peer {
        int rank = 0;
        CellRect send_cells, recv_cells;  // global indices
        std::size_t send_offset = 0, send_bytes = 0;
        std::size_t recv_offset = 0, recv_bytes = 0;
    };
    void pack(const Peer& p);
    void unpack(const Peer& p);

    Grid2D grid_;
    int width_ = 1;
    std::vector<HaloField> fields_;
    std::size_t bytes_per_cell_ = 0;  // all fields together
    MPI_Comm comm_;
    int tag_ = 0;
    std::vector<Peer> peers_;
    std::vector<std::byte> send_buf_, recv_buf_;
    std::vector<MPI_Request> requests_;  // receives first, then sends
    bool in_flight_ = false;
};

}  // namespace floodsim::parallel
