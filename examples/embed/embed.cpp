// embed_cxx SCENARIO.toml [RESULT.h5]: runs a scenario through floodsim's C++ API with frame,
// gauge and warning observers, and prints the summary with its mass balance.
#include <floodsim/run.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SCENARIO.toml [RESULT.h5]\n", argv[0]);
        return 2;
    }
    try {
        floodsim::Run run(argv[1]);
        run.set_threads(2);
        if (argc > 2) run.set_output(argv[2]);
        run.on_frame([](const floodsim::FrameView& f) {
            std::printf("frame %d at t = %.0f s\n", f.index, f.time);
            return true;
        });
        run.on_gauge([](const floodsim::GaugeView& g) {
            if (g.time > 0 && static_cast<long>(g.time) % 300 == 0)
                std::printf("  gauge %s: depth %.3f m\n", g.name.c_str(), g.depth);
        });
        run.on_warning([](const std::string& w) { std::printf("warning: %s\n", w.c_str()); });
        run.run_to_end();
        const floodsim::RunSummary s = run.summary();
        std::printf("%s: %lld steps, %s %s, max depth %.3f m, mass balance error %.3e m3 (relative %.3e)\n",
                    s.name.c_str(), static_cast<long long>(s.steps), s.scheme.c_str(), s.precision.c_str(), s.max_depth,
                    s.mass.error, s.mass.relative_error);
        return 0;
    } catch (const floodsim::Error& e) {
        std::fprintf(stderr, "embed_cxx: %s\n", e.what());
        return e.status();
    }
}
