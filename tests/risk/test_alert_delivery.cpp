// The alert spool and the delivery of CAP alerts to a real HTTP server on 127.0.0.1 (in the test):
// the server refuses (503, closed connections, not listening) and comes back; every identifier
// must arrive (at least once), enqueue never waits on the endpoint, and what a killed run left in
// the spool is sent later by flush_spool and by `floodsim deliver`.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cap_test_util.hpp"
#include "http_test_server.hpp"
#include "mesh/input_error.hpp"
#include "risk/alert_delivery.hpp"
#include "risk/alert_spool.hpp"
#include "risk/cap_alert.hpp"

extern char** environ;

namespace fs = std::filesystem;
using floodsim::risk::AlertDelivery;
using floodsim::risk::AlertSpool;
using floodsim::risk::CapAlert;
using floodsim::risk::CapOptions;
using floodsim::risk::CapWriter;
using floodsim::risk::DeliveryOptions;
using floodsim::risk::flush_spool;
using floodsim::risk::LevelChange;
using floodsim::test::cap_schema;
using floodsim::test::HttpTestServer;
using Clock = std::chrono::steady_clock;

namespace {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("floodsim-cap-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

/// n real CAP alerts: n assets, each reaching level 4, then every third one rising to 2.
std::vector<CapAlert> make_alerts(int n) {
    CapOptions o;
    o.start_time = 1626753600;
    o.issue_time = o.start_time + 3600;
    CapWriter w(o);
    std::vector<CapAlert> out;
    for (int k = 0; k < n; ++k) {
        LevelChange e = floodsim::test::change(std::string("a").append(std::to_string(k)), std::string("Asset ").append(std::to_string(k)),
                                               k % 3 == 2 ? 2 : 4, k % 3 == 2 ? 4 : 0, 600.0 * k, 0.2);
        if (k % 3 == 2) {
            // an Update: first the asset's Alert
            LevelChange first = e;
            first.level = 4;
            first.previous_level = 0;
            first.area.polygons.push_back(floodsim::test::square(34.8, 113.3, 0.001));
            out.push_back(w.write(first));
            if (static_cast<int>(out.size()) == n) break;
        }
        e.area.polygons.push_back(floodsim::test::square(34.8, 113.3 + 0.01 * k, 0.001));
        out.push_back(w.write(e));
        if (static_cast<int>(out.size()) == n) break;
    }
    return out;
}

DeliveryOptions fast() {
    DeliveryOptions o;
    o.base_delay_s = 0.05;
    o.max_delay_s = 0.2;
    o.request_timeout_s = 2.0;
    o.connect_timeout_s = 1.0;
    o.poll_interval_s = 0.1;
    return o;
}

/// Waits until the spool is empty (true) or `seconds` have passed (false).
bool drained(const AlertSpool& spool, double seconds) {
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < until) {
        if (spool.pending().empty()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return spool.pending().empty();
}

/// Every alert arrived at least once, and every body that arrived is a valid CAP document.
void expect_all_arrived(const HttpTestServer& server, const std::vector<CapAlert>& alerts) {
    const auto got = server.accepted();
    for (const CapAlert& a : alerts) EXPECT_GE(got.count(a.identifier), 1u) << "missing " << a.identifier;
    EXPECT_EQ(got.size(), alerts.size()) << "identifiers that were never sent arrived";
    EXPECT_EQ(server.problems(), std::vector<std::string>{});
    for (const std::string& body : server.bodies()) EXPECT_EQ(cap_schema().errors(body), "");
}

int duplicates(const HttpTestServer& server) {
    int d = 0;
    for (const auto& [id, n] : server.accepted()) d += n - 1;
    return d;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

/// Times of put/enqueue calls: a put costs a file write and two fsyncs, nothing that depends on
/// the endpoint. Loose bounds (a shared, loaded disk): the median under 50 ms, each under 250 ms,
/// both far below what waiting on the endpoint would cost (request timeouts of seconds).
void expect_quick(std::vector<double> ms, const char* what) {
    std::sort(ms.begin(), ms.end());
    EXPECT_LT(ms[ms.size() / 2], 50.0) << what << ": median";
    EXPECT_LT(ms.back(), 250.0) << what << ": slowest";
    std::printf("[ measured ] %s: median %.2f ms, slowest %.2f ms over %zu calls\n", what, ms[ms.size() / 2], ms.back(),
                ms.size());
}

struct Proc {
    int status = -1;
    std::string out, err;
};

/// Runs the real floodsim with `args`, capturing its output.
Proc run_floodsim(const std::vector<std::string>& args) {
    TempDir cap;
    const fs::path out = cap.path() / "out", err = cap.path() / "err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv{const_cast<char*>(FLOODSIM_EXE)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, FLOODSIM_EXE, &fa, nullptr, argv.data(), environ) != 0) throw std::runtime_error("spawn");
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    Proc p;
    p.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    auto slurp = [](const fs::path& f) {
        std::ifstream s(f);
        std::ostringstream o;
        o << s.rdbuf();
        return o.str();
    };
    p.out = slurp(out);
    p.err = slurp(err);
    return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Spool

TEST(AlertSpool, PutIsAtomicOrderedAndSurvivesReopening) {
    TempDir dir;
    const fs::path d = dir.path() / "spool";
    {
        AlertSpool s(d);
        EXPECT_TRUE(fs::is_directory(d / "sent"));
        s.put("41010600000000_20210720130000_0", "<a/>");
        s.put("id with/odd:chars%", "<b/>");
        s.put("41010600000000_20210720130000_1", "<c/>");
        for (const auto& f : fs::directory_iterator(d))
            EXPECT_EQ(f.path().filename().string().rfind(".tmp-", 0), std::string::npos) << "temporary left";
    }
    AlertSpool s(d);  // a new process's view
    const auto p = s.pending();
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].identifier, "41010600000000_20210720130000_0");
    EXPECT_EQ(p[1].identifier, "id with/odd:chars%");
    EXPECT_EQ(p[2].identifier, "41010600000000_20210720130000_1");
    EXPECT_EQ(p[0].file.filename().string(), "0000000000_41010600000000_20210720130000_0.xml");
    EXPECT_EQ(p[1].file.filename().string(), "0000000001_id%20with%2Fodd%3Achars%25.xml");
    EXPECT_EQ(s.read(p[1]), "<b/>");
    s.put("later", "<d/>");
    EXPECT_EQ(s.pending().back().identifier, "later") << "the order goes on after reopening";
    EXPECT_EQ(s.pending().back().order, 3u);
    s.mark_sent(p[0]);
    s.mark_sent(p[0]);  // twice: already gone is fine
    EXPECT_TRUE(fs::exists(d / "sent" / p[0].file.filename()));
    EXPECT_EQ(s.pending().size(), 3u);
    EXPECT_EQ(AlertSpool::identifier_of(AlertSpool::safe_name(".hidden\n\xe4")), ".hidden\n\xe4");
    EXPECT_EQ(AlertSpool::safe_name(".x"), "%2Ex");
    EXPECT_THROW(s.put("", "<e/>"), std::invalid_argument);
    EXPECT_THROW(s.put(std::string(201, 'x'), "<e/>"), std::invalid_argument);
}

TEST(AlertSpool, DeletesWhenNotKeepingAndCleansDeadTemporaries) {
    TempDir dir;
    // a temporary of a writer that died (a child that has exited) and one of a live process
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    fs::create_directories(dir.path());
    const fs::path dead = dir.path() / (std::string(".tmp-").append(std::to_string(child)).append("-0"));
    const fs::path alive = dir.path() / (std::string(".tmp-").append(std::to_string(::getppid())).append("-0"));
    std::ofstream(dead) << "half";
    std::ofstream(alive) << "half";
    AlertSpool s(dir.path(), /*keep_sent=*/false);
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_TRUE(fs::exists(alive));
    EXPECT_EQ(s.pending().size(), 0u) << "temporaries are never alerts";
    s.put("x", "<x/>");
    s.mark_sent(s.pending()[0]);
    EXPECT_TRUE(s.pending().empty());
    EXPECT_TRUE(fs::is_empty(dir.path() / "sent"));
    // a file where the folder should be
    std::ofstream(dir.path() / "file") << "x";
    EXPECT_THROW(AlertSpool(dir.path() / "file"), floodsim::InputError);
}

// ---------------------------------------------------------------------------------------------
// Delivery worker

TEST(AlertDelivery, ServerRefusingThenAcceptingGetsEveryAlert) {
    HttpTestServer server;
    server.set_mode(HttpTestServer::Mode::Refuse503, 5);
    TempDir dir;
    AlertSpool spool(dir.path());
    AlertDelivery delivery(fast());
    delivery.start(server.url(), spool);
    const auto alerts = make_alerts(20);
    std::vector<double> put_ms;
    for (const CapAlert& a : alerts) {
        const auto t0 = Clock::now();
        spool.put(a.identifier, a.xml);  // the spool's hook wakes the worker
        put_ms.push_back(ms_since(t0));
    }
    expect_quick(put_ms, "put while the server refuses");
    ASSERT_TRUE(drained(spool, 20.0)) << spool.pending().size() << " left; last error " << delivery.stats().last_error;
    EXPECT_EQ(delivery.stop(1.0), 0u);
    expect_all_arrived(server, alerts);
    const auto st = delivery.stats();
    EXPECT_EQ(st.delivered, alerts.size());
    EXPECT_GE(st.failures, 5u);
    EXPECT_EQ(server.requests(), static_cast<int>(st.attempts));
    EXPECT_EQ(std::distance(fs::directory_iterator(spool.sent_dir()), fs::directory_iterator()),
              static_cast<long>(alerts.size()));
    std::printf("[ measured ] 20 alerts, 5 refused: %zu POSTs, %d duplicates\n", st.attempts, duplicates(server));
}

TEST(AlertDelivery, EnqueueNeverWaitsWhileTheEndpointIsDown) {
    HttpTestServer server;
    TempDir dir;
    AlertSpool spool(dir.path());
    DeliveryOptions o = fast();
    o.max_delay_s = 0.1;
    AlertDelivery delivery(o);
    // down in two ways: not listening (refused), then reading and closing without an answer
    server.stop_listening();
    delivery.start(server.url(), spool);
    const auto alerts = make_alerts(30);
    std::vector<double> enqueue_ms;
    for (std::size_t k = 0; k < alerts.size(); ++k) {
        if (k == 15) {
            server.set_mode(HttpTestServer::Mode::CloseSilent);
            server.listen_again();
        }
        const auto t0 = Clock::now();
        delivery.enqueue(alerts[k].identifier, alerts[k].xml);
        enqueue_ms.push_back(ms_since(t0));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a run between its events
    }
    expect_quick(enqueue_ms, "enqueue while the server is down");
    EXPECT_GT(spool.pending().size(), 0u);
    EXPECT_TRUE(server.accepted().empty());
    server.set_mode(HttpTestServer::Mode::Accept);
    ASSERT_TRUE(drained(spool, 20.0)) << delivery.stats().last_error;
    delivery.stop(1.0);
    expect_all_arrived(server, alerts);
    std::printf("[ measured ] 30 alerts while down: %zu POSTs, %d duplicates\n", delivery.stats().attempts,
                duplicates(server));
}

TEST(AlertDelivery, ARejectedAlertDoesNotHoldTheOthersBack) {
    HttpTestServer server;
    const auto alerts = make_alerts(6);
    server.reject(alerts[1].identifier);
    TempDir dir;
    AlertSpool spool(dir.path());
    for (const CapAlert& a : alerts) spool.put(a.identifier, a.xml);
    // 3 s: the flush holds on to the rejected alert until its budget ends; on a loaded machine
    // (failed once with 1 s while a build and the tests shared 2 cores) the five POSTs and a retry
    // need the room.
    const auto r = flush_spool(spool, server.url(), fast(), 3.0);
    EXPECT_EQ(r.remaining, 1u);
    EXPECT_EQ(r.stats.delivered, 5u);
    ASSERT_EQ(spool.pending().size(), 1u);
    EXPECT_EQ(spool.pending()[0].identifier, alerts[1].identifier) << "kept, not lost";
    EXPECT_NE(r.stats.last_error.find("HTTP 400"), std::string::npos) << r.stats.last_error;
    EXPECT_GE(r.stats.failures, 2u) << "retried with backoff";
}

TEST(AlertDelivery, StopIsBoundedAndLeavesTheRestInTheSpool) {
    HttpTestServer server;
    server.set_mode(HttpTestServer::Mode::Hang);  // takes the request, never answers
    TempDir dir;
    AlertSpool spool(dir.path());
    DeliveryOptions o = fast();
    o.request_timeout_s = 30.0;
    AlertDelivery delivery(o);
    delivery.start(server.url(), spool);
    const auto alerts = make_alerts(10);
    delivery.enqueue(alerts[0].identifier, alerts[0].xml);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the first POST hangs (30 s timeout)
    std::vector<double> enqueue_ms;
    for (std::size_t k = 1; k < alerts.size(); ++k) {
        const auto t0 = Clock::now();
        delivery.enqueue(alerts[k].identifier, alerts[k].xml);
        enqueue_ms.push_back(ms_since(t0));
    }
    expect_quick(enqueue_ms, "enqueue while a POST hangs");
    EXPECT_EQ(server.requests(), 1);
    const auto t0 = Clock::now();
    EXPECT_EQ(delivery.stop(0.3), alerts.size());
    const double stop_ms = ms_since(t0);
    EXPECT_LT(stop_ms, 2500.0) << "a hanging POST is cut at the budget";
    EXPECT_FALSE(delivery.running());
    std::printf("[ measured ] stop(0.3 s) with a hanging endpoint returned after %.0f ms\n", stop_ms);
}

TEST(AlertDelivery, WhatAKilledRunLeftIsSentLater) {
    HttpTestServer server;
    server.stop_listening();
    TempDir dir;
    const auto alerts = make_alerts(12);
    {
        // the run: its delivery starts, the endpoint is down, the run ends with a short budget
        AlertSpool spool(dir.path());
        AlertDelivery delivery(fast());
        delivery.start(server.url(), spool);
        for (const CapAlert& a : alerts) delivery.enqueue(a.identifier, a.xml);
        EXPECT_EQ(delivery.stop(0.2), alerts.size());
    }
    {
        // a run killed before its delivery started: only the spool files
        AlertSpool spool(dir.path());
        EXPECT_EQ(spool.pending().size(), alerts.size());
    }
    server.listen_again();
    server.set_mode(HttpTestServer::Mode::Refuse503, 2);
    AlertSpool spool(dir.path());
    const auto r = flush_spool(spool, server.url(), fast(), 10.0);
    EXPECT_EQ(r.remaining, 0u) << r.stats.last_error;
    expect_all_arrived(server, alerts);
    // and the order of delivery is the order of the alerts (all in one pass after the refusals)
    const auto bodies = server.bodies();
    ASSERT_EQ(bodies.size(), alerts.size());
    for (std::size_t k = 0; k < alerts.size(); ++k) EXPECT_EQ(bodies[k], alerts[k].xml) << k;
}

TEST(AlertDelivery, BadUrlsAndOptionsAreInputErrors) {
    TempDir dir;
    AlertSpool spool(dir.path());
    AlertDelivery d(fast());
    EXPECT_THROW(d.start("ftp://127.0.0.1/x", spool), floodsim::InputError);
    EXPECT_THROW(d.start("not a url", spool), floodsim::InputError);
    EXPECT_THROW(d.enqueue("x", "<x/>"), std::logic_error);
    DeliveryOptions bad = fast();
    bad.base_delay_s = 0;
    EXPECT_THROW(AlertDelivery{bad}, floodsim::InputError);
    bad = fast();
    bad.max_delay_s = 0.01;
    EXPECT_THROW(AlertDelivery{bad}, floodsim::InputError);
}

// ---------------------------------------------------------------------------------------------
// floodsim deliver

TEST(FloodsimDeliver, FlushesTheSpoolOfAKilledRun) {
    HttpTestServer server;
    server.set_mode(HttpTestServer::Mode::Refuse503, 1);  // the CLI's backoff starts at 0.5-1 s
    TempDir dir;
    const auto alerts = make_alerts(8);
    {
        AlertSpool spool(dir.path());  // the run wrote its alerts and was killed
        for (const CapAlert& a : alerts) spool.put(a.identifier, a.xml);
    }
    const Proc p = run_floodsim({"deliver", "--header", "Authorization: Bearer t0k", dir.path().string(), "--webhook",
                                 server.url(), "--timeout", "20"});  // --header before the spool: one value each
    EXPECT_EQ(p.status, 0) << p.out << p.err;
    for (const std::string& head : server.heads())
        EXPECT_NE(head.find("\r\nAuthorization: Bearer t0k\r\n"), std::string::npos) << head;
    EXPECT_NE(p.out.find("8 delivered, 0 remain"), std::string::npos) << p.out;
    expect_all_arrived(server, alerts);
    EXPECT_TRUE(AlertSpool(dir.path()).pending().empty());
    // again: nothing to do
    const Proc again = run_floodsim({"deliver", dir.path().string(), "--webhook", server.url()});
    EXPECT_EQ(again.status, 0) << again.err;
    EXPECT_NE(again.out.find("nothing to deliver"), std::string::npos) << again.out;
}

TEST(FloodsimDeliver, SendsWhatAProcessKilledWithSigkillLeft) {
    // a child process runs a delivery against an endpoint that refuses (port 9, nothing there),
    // enqueues its alerts and is killed with SIGKILL: no destructor, no stop()
    TempDir dir;
    const auto alerts = make_alerts(10);
    const fs::path ready = dir.path() / "ready";
    const fs::path spool_dir = dir.path() / "spool";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        AlertSpool spool(spool_dir);
        AlertDelivery delivery(fast());
        delivery.start("http://127.0.0.1:9/cap", spool);
        for (const CapAlert& a : alerts) delivery.enqueue(a.identifier, a.xml);
        std::ofstream(ready) << "ok";
        for (;;) ::pause();
    }
    const auto until = Clock::now() + std::chrono::seconds(20);
    while (!fs::exists(ready) && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ::kill(child, SIGKILL);
    int st = 0;
    ::waitpid(child, &st, 0);
    ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    ASSERT_TRUE(fs::exists(ready)) << "the child did not get to enqueue its alerts";
    EXPECT_EQ(AlertSpool(spool_dir).pending().size(), alerts.size());

    HttpTestServer server;
    const Proc p = run_floodsim({"deliver", spool_dir.string(), "--webhook", server.url(), "--timeout", "20"});
    EXPECT_EQ(p.status, 0) << p.out << p.err;
    expect_all_arrived(server, alerts);
    EXPECT_EQ(duplicates(server), 0);
}

TEST(FloodsimDeliver, SaysHowManyRemainWhenTheEndpointStaysDown) {
    HttpTestServer server;
    server.stop_listening();
    TempDir dir;
    const auto alerts = make_alerts(3);
    {
        AlertSpool spool(dir.path());
        for (const CapAlert& a : alerts) spool.put(a.identifier, a.xml);
    }
    const auto t0 = Clock::now();
    const Proc p = run_floodsim({"deliver", dir.path().string(), "--webhook", server.url(), "--timeout", "1"});
    EXPECT_EQ(p.status, 1) << p.out << p.err;
    EXPECT_NE(p.err.find("3 alerts remain undelivered"), std::string::npos) << p.err;
    EXPECT_LT(ms_since(t0), 6000.0);
    EXPECT_EQ(AlertSpool(dir.path()).pending().size(), 3u);
}

TEST(FloodsimDeliver, BadInputIsStatus2) {
    TempDir dir;
    const Proc missing = run_floodsim({"deliver", (dir.path() / "none").string(), "--webhook", "http://127.0.0.1:9/x"});
    EXPECT_EQ(missing.status, 2) << missing.err;
    EXPECT_NE(missing.err.find("is not a folder"), std::string::npos) << missing.err;
    EXPECT_FALSE(fs::exists(dir.path() / "none")) << "a mistyped path is not created";
    const Proc url = run_floodsim({"deliver", dir.path().string(), "--webhook", "ftp://127.0.0.1/x"});
    EXPECT_EQ(url.status, 2) << url.err;
    EXPECT_NE(url.err.find("webhook"), std::string::npos) << url.err;
    const Proc timeout =
        run_floodsim({"deliver", dir.path().string(), "--webhook", "http://127.0.0.1:9/x", "--timeout", "0"});
    EXPECT_EQ(timeout.status, 2) << timeout.err;
    const Proc no_hook = run_floodsim({"deliver", dir.path().string()});
    EXPECT_EQ(no_hook.status, 2) << no_hook.err;
    const Proc header = run_floodsim(
        {"deliver", dir.path().string(), "--webhook", "http://127.0.0.1:9/x", "--header", "no colon here"});
    EXPECT_EQ(header.status, 2) << header.err;
    EXPECT_NE(header.err.find("Name: value"), std::string::npos) << header.err;
}
