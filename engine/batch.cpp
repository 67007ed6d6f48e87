#include "engine/batch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mesh/input_error.hpp"
#include "scenarios/batch_manifest.hpp"

extern char** environ;

namespace floodsim {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;


/// One attempt of one scenario: a child `floodsim run --json`.
struct Child {
    const BatchEntry* entry = nullptr;
    int threads = 1;
    int attempt = 1;
    pid_t pid = -1;
    int out_fd = -1, err_fd = -1;
    std::string out_buf, err_tail;
    Json end, error;  ///< the child's own end or error event, if it sent one
    Clock::time_point started;
};

std::vector<std::string> child_environment() {
    std::vector<std::string> env;
    bool has_policy = false;
    for (char** e = environ; e && *e; ++e) {
        env.emplace_back(*e);
        has_policy = has_policy || env.back().rfind("OMP_WAIT_POLICY=", 0) == 0;
    }
    if (!has_policy) env.emplace_back("OMP_WAIT_POLICY=passive");
    return env;
}

void spawn(Child& c, const std::string& exe, const std::vector<std::string>& env) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    std::vector<std::string> args = {exe, "run", c.entry->path, "--json", "--threads", std::to_string(c.threads)};
    if (!c.entry->output.empty()) args.insert(args.end(), {"--output", c.entry->output});
    std::vector<char*> argv, envp;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_copy = env;
    for (std::string& e : env_copy) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
    const int rc = posix_spawn(&c.pid, exe.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        throw std::runtime_error("cannot start " + exe + ": " + std::strerror(rc));
    }
    c.out_fd = out[0];
    c.err_fd = err[0];
    c.started = Clock::now();
}

Json tagged(Json j, const Child& c) {
    j["scenario"] = c.entry->file;
    j["attempt"] = c.attempt;
    return j;
}

/// The child's stdout lines: its JSON events, forwarded with the scenario's name.
void take_output(Child& c, const char* data, std::size_t n, const std::function<void(const Json&)>& on_event) {
    c.out_buf.append(data, n);
    std::size_t nl;
    while ((nl = c.out_buf.find('\n')) != std::string::npos) {
        const std::string line = c.out_buf.substr(0, nl);
        c.out_buf.erase(0, nl + 1);
        if (line.empty()) continue;
        Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("event")) continue;  // not an event
        const std::string ev = j["event"].get<std::string>();
        if (ev == "end") c.end = j;
        if (ev == "error") {
            c.error = j;  // reported when the child has exited, with the retry decision
            continue;
        }
        if (ev != "end") on_event(tagged(j, c));  // start, progress; end once the exit status is known
    }
}

void take_error(Child& c, const char* data, std::size_t n) {
    c.err_tail.append(data, n);
    constexpr std::size_t kKeep = 4096;
    if (c.err_tail.size() > kKeep) c.err_tail.erase(0, c.err_tail.size() - kKeep);
}

/// The last non-empty line of what the child wrote on stderr.
std::string last_line(const std::string& text) {
    std::size_t end = text.find_last_not_of("\r\n ");
    if (end == std::string::npos) return "";
    const std::size_t start = text.find_last_of('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

class BatchRunner {
public:
    BatchRunner(const BatchManifest& m, const BatchPlan& plan, std::string exe,
                const std::function<void(const Json&)>& on_event)
        : m_(m), plan_(plan), exe_(std::move(exe)), env_(child_environment()), on_event_(on_event),
          outcomes_(m.scenarios.size()),
          free_cores_(plan_.cores) {
        for (std::size_t k = 0; k < m.scenarios.size(); ++k) pending_.emplace_back(k, 1);
    }

    /// Runs every scenario to its end; the outcomes.
    const std::vector<BatchOutcome>& run() {
        while (!pending_.empty() || !running_.empty()) {
            start_what_fits();
            if (running_.empty()) continue;
            if (!read_output()) break;
            reap_ended();
        }
        return outcomes_;
    }

private:
    /// Starts runs in manifest order (a run never waits behind a later, smaller one).
    void start_what_fits() {
        while (!pending_.empty() && static_cast<int>(running_.size()) < plan_.jobs &&
               plan_.threads[pending_.front().first] <= free_cores_) {
            const auto [k, attempt] = pending_.front();
            pending_.pop_front();
            Child c;
            c.entry = &m_.scenarios[k];
            c.threads = plan_.threads[k];
            c.attempt = attempt;
            try {
                spawn(c, exe_, env_);
            } catch (const std::exception& e) {
                outcomes_[k] = {"failed", attempt, {}, e.what()};
                on_event_(tagged({{"event", "error"}, {"status", 1}, {"message", e.what()}, {"final", true}}, c));
                continue;
            }
            free_cores_ -= c.threads;
            running_.emplace(c.pid, std::move(c));
        }
    }

    /// Waits (at most 1 s) for output of the running children and takes it; false if poll fails.
    bool read_output() {
        std::vector<pollfd> fds;
        std::vector<std::pair<pid_t, bool>> who;  // (child, is stdout)
        for (auto& [pid, c] : running_) {
            if (c.out_fd >= 0) {
                fds.push_back({c.out_fd, POLLIN, 0});
                who.emplace_back(pid, true);
            }
            if (c.err_fd >= 0) {
                fds.push_back({c.err_fd, POLLIN, 0});
                who.emplace_back(pid, false);
            }
        }
        if (!fds.empty() && ::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("watching the runs (poll): ") + std::strerror(errno));
        }
        char buf[65536];
        for (std::size_t f = 0; f < fds.size(); ++f) {
            if (!(fds[f].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Child& c = running_.at(who[f].first);
            int& fd = who[f].second ? c.out_fd : c.err_fd;
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n > 0) {
                if (who[f].second)
                    take_output(c, buf, static_cast<std::size_t>(n), on_event_);
                else
                    take_error(c, buf, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                ::close(fd);
                fd = -1;
            }
        }
        return true;
    }

    /// Children whose pipes are both closed have exited: their outcome, or another attempt.
    void reap_ended() {
        for (auto it = running_.begin(); it != running_.end();) {
            Child& c = it->second;
            if (c.out_fd >= 0 || c.err_fd >= 0) {
                ++it;
                continue;
            }
            int wstatus = 0;
            while (::waitpid(c.pid, &wstatus, 0) < 0 && errno == EINTR) {
            }
            free_cores_ += c.threads;
            decide(c, wstatus);
            it = running_.erase(it);
        }
    }

    void decide(const Child& c, int wstatus) {
        const std::size_t k = static_cast<std::size_t>(c.entry->index);
        BatchOutcome& o = outcomes_[k];
        o.attempts = c.attempt;
        const int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
        if (status == 0 && !c.end.is_null()) {
            o.status = "finished";
            o.end = c.end;
            on_event_(tagged(c.end, c));
            return;
        }
        std::string message = c.error.is_object() ? c.error.value("message", "") : "";
        if (message.empty()) message = last_line(c.err_tail);
        if (WIFSIGNALED(wstatus))
            message = "killed by signal " + std::to_string(WTERMSIG(wstatus)) + (message.empty() ? "" : " (" + message + ")");
        if (message.empty()) message = "exit status " + std::to_string(status);
        // Bad input (2) fails the same way every time: only other failures are retried.
        const bool again = status != 2 && c.attempt <= plan_.retries;
        o.status = "failed";
        o.message = message;
        on_event_(tagged({{"event", "error"}, {"status", status}, {"message", message}, {"final", !again}}, c));
        if (again) pending_.emplace_front(k, c.attempt + 1);
    }

    const BatchManifest& m_;
    const BatchPlan& plan_;
    std::string exe_;
    std::vector<std::string> env_;
    const std::function<void(const Json&)>& on_event_;
    std::deque<std::pair<std::size_t, int>> pending_;  ///< (scenario, attempt)
    std::vector<BatchOutcome> outcomes_;
    std::map<pid_t, Child> running_;
    int free_cores_;
};

}  // namespace

BatchPlan plan_batch(const BatchManifest& m, int cores, int jobs, int retries) {
    BatchPlan p;
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    p.cores = cores > 0 ? cores : m.cores ? *m.cores : static_cast<int>(std::max(1L, online));
    p.jobs = std::min<int>(jobs > 0 ? jobs : m.jobs ? *m.jobs : p.cores, static_cast<int>(m.scenarios.size()));
    p.retries = retries >= 0 ? retries : m.retries;
    const int share = std::max(1, p.cores / std::max(1, p.jobs));
    for (const BatchEntry& e : m.scenarios) {
        const int t = e.threads.value_or(share);
        if (t > p.cores)
            throw InputError(m.path, "scenario[" + std::to_string(e.index) + "].threads", std::to_string(t),
                             "more threads than the batch's " + std::to_string(p.cores) + " cores");
        p.threads.push_back(t);
    }
    return p;
}

/// The batch's runs: started when they fit, their output read, their end decided (retry or not).

std::vector<BatchOutcome> run_batch(const BatchManifest& m, const BatchPlan& plan, const std::string& exe,
                                    const std::function<void(const nlohmann::json&)>& on_event) {
    BatchRunner runner(m, plan, exe, on_event);
    return runner.run();
}

}  // namespace floodsim
