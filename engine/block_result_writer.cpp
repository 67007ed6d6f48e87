#include "engine/block_result_writer.hpp"

#include <utility>

namespace floodsim {
namespace {
BlockResultWriterFactory& registered() {
    static BlockResultWriterFactory factory;
    return factory;
}
}  // namespace

void set_block_result_writer_factory(BlockResultWriterFactory factory) { registered() = std::move(factory); }

const BlockResultWriterFactory& block_result_writer_factory() { return registered(); }

}  // namespace floodsim
