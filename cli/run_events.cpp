#include "cli/run_events.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace floodsim {

namespace {

void emit(const nlohmann::json& j) {
    // One line each, flushed: a reader sees every event as it happens. Invalid UTF-8 in a
    // message (a path from the file system) is replaced rather than thrown on.
    const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

void RunEvents::start(const RunSummary& s) {
    t0_ = last_ = std::chrono::steady_clock::now();
    emit({{"event", "start"},
          {"name", s.name},
          {"result", s.result_path},
          {"scheme", s.scheme},
          {"precision", s.precision},
          {"threads", s.threads},
          {"mpi_ranks", s.ranks},
          {"nx", s.grid.nx},
          {"ny", s.grid.ny},
          {"cell_size_m", s.grid.dx},
          {"domain_cells", s.grid.domain_cells},
          {"duration_s", s.duration}});
}

void RunEvents::progress(const ProgressView& p) {
    const auto now = std::chrono::steady_clock::now();
    if (seconds(now - last_) < interval_s_) return;
    last_ = now;
    emit({{"event", "progress"},
          {"t_s", p.time},
          {"duration_s", p.duration},
          {"percent", p.duration > 0.0 ? 100.0 * p.time / p.duration : 100.0},
          {"dt_s", p.dt},
          {"steps", p.steps},
          {"wet_cells", p.wet_cells},
          {"wall_s", seconds(now - t0_)}});
}

void RunEvents::end(const RunSummary& s) {
    nlohmann::json terms = nlohmann::json::object();
    for (const auto& [name, volume] : s.mass.terms) terms[name] = volume;
    emit({{"event", "end"},
          {"status", "finished"},
          {"result", s.result_path},
          {"t_s", s.time},
          {"steps", s.steps},
          {"wall_s", s.wall_s},
          {"frames", s.frames},
          {"max_depth_m", s.max_depth},
          {"flooded_area_m2", s.flooded_area_m2},
          {"volume_m3", s.mass.volume},
          {"rain_m3", s.mass.rain},
          {"inflow_m3", s.mass.inflow},
          {"outflow_m3", s.mass.outflow},
          {"process_terms_m3", terms},
          {"mass_balance_error_m3", s.mass.error},
          {"mass_balance_relative_error", s.mass.relative_error},
          {"mpi_ranks", s.ranks},
          {"halo_s", s.halo_s},
          {"reduction_s", s.reduction_s},
          {"lts_levels", s.lts_levels},
          {"lts_cycles", s.lts_cycles},
          {"lts_cell_updates", s.lts_cell_updates}});
}

void RunEvents::error(int status, const std::string& message) {
    emit({{"event", "error"}, {"status", status}, {"message", message}});
}

}  // namespace floodsim
