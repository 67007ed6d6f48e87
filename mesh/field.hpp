#pragma once
// Field<T>: one scalar quantity on a Grid2D, stored 64-byte aligned with the grid's padded pitch.
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "grid2d.hpp"

namespace floodsim {

template <class T>
struct AlignedAllocator {
    using value_type = T;
    static constexpr std::size_t alignment = 64;
    AlignedAllocator() = default;
    template <class U>
    AlignedAllocator(const AlignedAllocator<U>&) {}
    T* allocate(std::size_t n) {
        const std::size_t bytes = (n * sizeof(T) + alignment - 1) / alignment * alignment;
        void* p = std::aligned_alloc(alignment, bytes == 0 ? alignment : bytes);
        if (!p) throw std::bad_alloc();
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t) { std::free(p); }
    template <class U>
    bool operator==(const AlignedAllocator<U>&) const { return true; }
};

template <class T>
class Field {
public:
    Field() = default;
    explicit Field(const Grid2D& g, T init = T{}) : pitch_(g.pitch), ghost_(g.ghost), data_(g.size(), init) {}

    T& operator()(int i, int j) { return data_[index(i, j)]; }
    const T& operator()(int i, int j) const { return data_[index(i, j)]; }
    T* data() { return data_.data(); }
    const T* data() const { return data_.data(); }
    /// Pointer to cell (0, j) of row j (ghost rows allowed).
    T* row(int j) { return data_.data() + index(0, j); }
    const T* row(int j) const { return data_.data() + index(0, j); }
    std::size_t size() const { return data_.size(); }
    bool empty() const { return data_.empty(); }
    void fill(T v) { std::fill(data_.begin(), data_.end(), v); }

private:
    std::size_t index(int i, int j) const {
        return static_cast<std::size_t>(j + ghost_) * pitch_ + static_cast<std::size_t>(i + ghost_);
    }
    int pitch_ = 0;
    int ghost_ = 0;
    std::vector<T, AlignedAllocator<T>> data_;
};

}  // namespace floodsim
