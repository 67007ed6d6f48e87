#pragma once
// A small HTTP/1.1 server for the delivery tests: POSIX sockets on 127.0.0.1, an ephemeral port,
// one thread, one request per connection ("Connection: close"). It can be down in three ways:
// not listening at all (connection refused), answering 503 to the first N requests, or reading a
// request and closing without an answer; and it can refuse one identifier with 400 or hang
// without answering. It records every CAP alert it accepted, by the identifier in its body, and
// checks the request's form (POST, Content-Type, X-CAP-Identifier equal to the body's).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace floodsim::test {

class HttpTestServer {
public:
    enum class Mode {
        Accept,       ///< 200 to every valid alert
        Refuse503,    ///< 503 Service Unavailable
        CloseSilent,  ///< read the request, close without an answer
        Hang          ///< read the request, never answer (until stopped)
    };

    HttpTestServer() {
        listen_on(0);
        thread_ = std::thread([this] { loop(); });
    }
    ~HttpTestServer() {
        stop_ = true;
        thread_.join();
        if (fd_ >= 0) ::close(fd_);
    }
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_.load()) + "/cap"; }

    /// The mode for the next `count` requests (then Accept again); count < 0: until changed.
    void set_mode(Mode m, int count = -1) {
        std::lock_guard l(m_);
        mode_ = m;
        mode_count_ = count;
    }
    /// Answer 400 to this identifier (the endpoint is up but refuses that alert).
    void reject(const std::string& identifier) {
        std::lock_guard l(m_);
        rejected_id_ = identifier;
    }
    /// Stop listening: connections are refused until listen_again(). Returns once the listening
    /// socket is closed.
    void stop_listening() { want_listening(false); }
    /// Listen again on the same port; returns once listening.
    void listen_again() { want_listening(true); }

    /// Identifier -> how many times it was accepted (200).
    std::map<std::string, int> accepted() const {
        std::lock_guard l(m_);
        return accepted_;
    }
    std::vector<std::string> bodies() const {
        std::lock_guard l(m_);
        return bodies_;
    }
    /// The head (request line and headers) of every request read.
    std::vector<std::string> heads() const {
        std::lock_guard l(m_);
        return heads_;
    }
    int requests() const {
        std::lock_guard l(m_);
        return requests_;
    }
    /// Requests not of the expected form (method, content type, identifier header).
    std::vector<std::string> problems() const {
        std::lock_guard l(m_);
        return problems_;
    }

private:
    void want_listening(bool on) {
        {
            std::lock_guard l(m_);
            want_listen_ = on;
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (listening_ != on && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (listening_ != on) throw std::runtime_error("the test server did not change its listening state");
    }

    void listen_on(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        const int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) {
            const int err = errno;
            ::close(fd_);
            fd_ = -1;
            throw std::runtime_error(std::string("bind/listen failed: ") + std::strerror(err));
        }
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }

    void loop() {
        while (!stop_) {
            bool want;
            {
                std::lock_guard l(m_);
                want = want_listen_;
            }
            if (!want && fd_ >= 0) {
                ::close(fd_);
                fd_ = -1;
            } else if (want && fd_ < 0) {
                try {
                    listen_on(port_);
                } catch (const std::runtime_error&) {  // the port is not free yet: try again
                }
            }
            listening_ = fd_ >= 0;
            if (fd_ < 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                continue;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            serve(c);
            ::close(c);
        }
    }

    /// Reads one request; false if the client went away or took too long.
    bool read_request(int c, std::string& head, std::string& body) {
        std::string data;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        std::size_t need = std::string::npos, head_end = std::string::npos;
        char buf[4096];
        while (std::chrono::steady_clock::now() < until && !stop_) {
            if (head_end == std::string::npos) {
                head_end = data.find("\r\n\r\n");
                if (head_end != std::string::npos) {
                    head = data.substr(0, head_end);
                    need = head_end + 4 + content_length(head);
                }
            }
            if (need != std::string::npos && data.size() >= need) {
                body = data.substr(head_end + 4, need - head_end - 4);
                return true;
            }
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return false;
            data.append(buf, static_cast<std::size_t>(n));
        }
        return false;
    }

    static std::string header(const std::string& head, const std::string& name) {
        std::string lower = head;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string key = "\r\n" + name + ":";
        for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const std::size_t pos = lower.find(key);
        if (pos == std::string::npos) return {};
        std::size_t b = pos + key.size(), e = head.find("\r\n", b);
        if (e == std::string::npos) e = head.size();
        while (b < e && head[b] == ' ') ++b;
        return head.substr(b, e - b);
    }
    static std::size_t content_length(const std::string& head) {
        const std::string v = header(head, "Content-Length");
        return v.empty() ? 0 : static_cast<std::size_t>(std::stoul(v));
    }

    void serve(int c) {
        std::string head, body;
        if (!read_request(c, head, body)) return;
        Mode mode;
        std::string rejected;
        {
            std::lock_guard l(m_);
            ++requests_;
            heads_.push_back(head);
            mode = mode_;
            if (mode_count_ > 0 && --mode_count_ == 0) mode_ = Mode::Accept;
            rejected = rejected_id_;
        }
        const std::size_t b = body.find("<identifier>"), e = body.find("</identifier>");
        const std::string id = b != std::string::npos && e != std::string::npos ? body.substr(b + 12, e - b - 12) : "";
        if (mode == Mode::CloseSilent) return;
        if (mode == Mode::Hang) {
            while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return;
        }
        int status = 200;
        if (mode == Mode::Refuse503)
            status = 503;
        else if (!id.empty() && id == rejected)
            status = 400;
        {
            std::lock_guard l(m_);
            if (head.rfind("POST /cap HTTP/1.1", 0) != 0) problems_.push_back("request line: " + head.substr(0, 40));
            if (header(head, "Content-Type") != "application/cap+xml")
                problems_.push_back("content type: " + header(head, "Content-Type"));
            if (header(head, "X-CAP-Identifier") != id)
                problems_.push_back("X-CAP-Identifier '" + header(head, "X-CAP-Identifier") + "' != '" + id + "'");
            if (id.empty()) problems_.push_back("no identifier in the body");
            if (status == 200) {
                ++accepted_[id];
                bodies_.push_back(body);
            }
        }
        const std::string reason = status == 200 ? "OK" : status == 503 ? "Service Unavailable" : "Bad Request";
        const std::string answer =
            "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
    }

    int fd_ = -1;  ///< owned by the server thread once it runs
    std::atomic<int> port_{0};
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> listening_{true};  ///< the state the server thread has reached
    mutable std::mutex m_;
    Mode mode_ = Mode::Accept;
    int mode_count_ = -1;
    bool want_listen_ = true;
    std::string rejected_id_;
    int requests_ = 0;
    std::map<std::string, int> accepted_;
    std::vector<std::string> bodies_, heads_;
    std::vector<std::string> problems_;
};

}  // namespace floodsim::test
