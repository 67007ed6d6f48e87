#pragma once
// SplitMix64 (S. Vigna): a well-mixed 64-bit value from any 64-bit value. floodsim's
// randomness (the synthetic district, ensemble perturbations) is built on it, so that a seed
// gives the same numbers on every platform and compiler (the standard library's engines and
// distributions do not promise that bit for bit).
#include <cstdint>

namespace floodsim {

inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace floodsim
