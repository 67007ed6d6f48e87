#pragma once
// A 5 x 7 pixel bitmap font (and a row for descenders) for the text on maps (risk/flood_map.cpp): printable ASCII, drawn
// into an RGB buffer at an integer scale. Written here so that a map looks the same on every
// machine, with no font files or font libraries.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace floodsim::risk {

inline constexpr int kGlyphWidth = 5, kGlyphHeight = 8;  ///< 7 rows above the baseline, 1 below
/// Columns from one character's left edge to the next one's, at scale 1.
inline constexpr int kGlyphAdvance = kGlyphWidth + 1;

/// Rows of the glyph of `c`, top first; bit 4 is the leftmost column. Characters outside
/// printable ASCII (32..126) get '?'.
const std::array<std::uint8_t, kGlyphHeight>& glyph(char c);

/// Width in pixels of `text` drawn at `scale` (no trailing gap).
int text_width(std::string_view text, int scale);

/// An RGB image, 3 bytes a pixel, row 0 at the top.
struct RgbImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
    RgbImage(int w, int h, std::array<std::uint8_t, 3> fill);
    void set(int x, int y, std::array<std::uint8_t, 3> c) {
        if (x < 0 || y < 0 || x >= width || y >= height) return;
        std::uint8_t* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
        p[0] = c[0];
        p[1] = c[1];
        p[2] = c[2];
    }
    /// Blends `c` over the pixel with opacity a in [0, 1].
    void blend(int x, int y, std::array<std::uint8_t, 3> c, double a);
    std::array<std::uint8_t, 3> get(int x, int y) const {
        const std::uint8_t* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
        return {p[0], p[1], p[2]};
    }
};

/// Draws `text` with its top-left corner at (x, y), each font pixel as a scale x scale block.
/// With `halo`, a one-pixel (at scale 1) outline in `halo_colour` first, so that text stays
/// legible over the map.
void draw_text(RgbImage& img, int x, int y, std::string_view text, int scale, std::array<std::uint8_t, 3> colour,
               bool halo = false, std::array<std::uint8_t, 3> halo_colour = {255, 255, 255});

}  // namespace floodsim::risk
