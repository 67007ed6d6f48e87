// Fuzz target: duration strings ("90s", "1.5h", ...) and the formatter used in messages.
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_input.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const double s = floodsim::parse_duration(text, "scenario.toml", "time.duration");
        // What the parser accepts is a finite, non-negative number of seconds.
        if (!(std::isfinite(s) && s >= 0.0)) std::abort();
        (void)floodsim::format_seconds(s);
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
