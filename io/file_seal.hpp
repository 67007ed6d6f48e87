#pragma once
// Seals on the files floodsim writes (docs/robustness.md): a 512-byte block at the start of the
// file (an HDF5 user block, which every HDF5 reader skips) holding the kind of file, the size and
// a CRC-32 of everything after it. A sealed file is checked before the HDF5 library parses it, so
// a file damaged after it was written (truncated, bit rot, a partial copy) is refused with one
// clear line instead of being handed to a parser that may crash on it.
#include <cstdint>
#include <string>

namespace floodsim {

/// Bytes of the seal block: the HDF5 user block size to create sealed files with.
inline constexpr std::uint64_t kSealBytes = 512;

/// Writes the seal into the user block of the closed file at `path` (created with a user block
/// of kSealBytes) and flushes it. Throws std::runtime_error naming the file on failure.
void seal_file(const std::string& path, const std::string& kind);

/// Whether the file at `path` carries a seal. A valid seal of this `kind` returns true; a file
/// without one (written before seals, or a partial file still being written) returns false. A
/// seal of another kind, or one whose size or CRC does not match the content, throws
/// InputError(path, "seal", <what was found>, <why>).
bool check_seal(const std::string& path, const std::string& kind);

}  // namespace floodsim
