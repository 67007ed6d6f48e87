// State files: a state written mid-run, read back into a fresh simulation built from the same
// setup, continues the run bit for bit (every scheme, both precisions, with a source term and
// its per-cell state); bad or foreign files are refused naming the file and what is wrong;
// writing is atomic (no temporary file left, an unwritable target leaves nothing).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../verification/scheme_cases.hpp"
#include "io/state_file.hpp"
#include "mesh/input_error.hpp"
#include "solver/source_term.hpp"

namespace floodsim {
namespace {

namespace fs = std::filesystem;
using testing::SchemeCase;

constexpr double kEnd = 50.0;

struct TmpDir {
    fs::path p = fs::temp_directory_path() / ("floodsim-state-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    TmpDir() {
        fs::remove_all(p);
        fs::create_directories(p);
    }
    ~TmpDir() { fs::remove_all(p); }
};

class StateFile : public ::testing::TestWithParam<SchemeCase> {
protected:
    ModelSetup setup() const { return testing::busy_catchment(GetParam().scheme, 2); }
    /// A sink on a block of cells, so the ledger has a named term and State::extra a field.
    template <class Sim>
    void add_sink(Sim& sim) const {
        using Real = typename Sim::real_type;
        const Grid2D& g = sim.grid();
        std::vector<double> rate(g.cells(), 0.0);
        for (int j = 30; j < 45; ++j)
            for (int i = 50; i < 75; ++i) rate[static_cast<std::size_t>(j) * g.nx + i] = -2e-4;
        sim.add_source(std::make_unique<CellRateSource<Real>>("drainage", std::move(rate)));
    }
};

TEST_P(StateFile, WrittenReadRestoredContinuesBitwise) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        using Real = typename Sim::real_type;
        TmpDir d;
        Sim a(setup());
        add_sink(a);
        a.advance_to(kEnd);

        Sim b(setup());
        add_sink(b);
        while (b.time() < 0.5 * kEnd) b.step(kEnd);
        const fs::path file = d.p / "sub" / "mid.state";
        write_state_file(file.string(), b.state(), StateFileInfo{"fvX", "p", "name", "text = 1", "0.2.0", std::nullopt});
        ASSERT_TRUE(fs::exists(file));
        for (const auto& e : fs::directory_iterator(d.p / "sub")) EXPECT_EQ(e.path(), file) << "left: " << e.path();

        StateFileInfo info;
        const State<Real> read = read_state_file<Real>(file.string(), &info);
        EXPECT_EQ(info.scheme, "fvX");
        EXPECT_EQ(info.scenario_text, "text = 1");
        EXPECT_EQ(info.precision, (std::is_same_v<Real, float> ? "single" : "double"));
        EXPECT_EQ(read.t, b.time());
        EXPECT_EQ(read.steps, b.steps());
        ASSERT_EQ(read.extra.size(), b.state().extra.size());
        ASSERT_EQ(read.ledger.terms.size(), 1u);
        EXPECT_EQ(read.ledger.terms[0].volume, b.ledger().terms[0].volume);

        Sim c(setup());
        add_sink(c);
        c.restore_state(read);
        c.advance_to(kEnd);
        testing::expect_same_run(c, a);
        EXPECT_EQ(c.ledger().terms[0].volume, a.ledger().terms[0].volume);
    });
}

TEST_P(StateFile, ForeignAndDamagedFilesAreRefusedNamingTheFile) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        using Real = typename Sim::real_type;
        using Other = std::conditional_t<std::is_same_v<Real, double>, float, double>;
        TmpDir d;
        Sim s(setup());
        s.advance_to(5.0);
        const std::string file = (d.p / "s.state").string();
        write_state_file(file, s.state(), StateFileInfo{"fv1", "", "n", "", "0.2.0", std::nullopt});
        try {
            (void)read_state_file<Other>(file);
            FAIL() << "a state of the other precision was accepted";
        } catch (const InputError& e) {
            EXPECT_EQ(e.file(), file);
            EXPECT_EQ(e.key(), "precision");
        }
        // A sealed state damaged after it was written is refused before HDF5 parses it.
        {
            std::string bytes;
            {
                std::ifstream in(file, std::ios::binary);
                bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            }
            bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
            const std::string damaged = (d.p / "damaged.state").string();
            std::ofstream(damaged, std::ios::binary) << bytes;
            try {
                (void)read_state_file<Real>(damaged);
                FAIL() << "a damaged state file was read";
            } catch (const InputError& e) {
                EXPECT_EQ(e.key(), "seal");
            }
        }
        const std::string text = (d.p / "t.state").string();
        std::ofstream(text) << "not hdf5";
        EXPECT_THROW((void)read_state_file<Real>(text), InputError);
        EXPECT_THROW((void)read_state_file<Real>((d.p / "missing.state").string()), InputError);
        // A state of another grid reads, and restore_state refuses it.
        ModelSetup small = testing::make_setup(10, 10, 5.0, GetParam().scheme);
        Sim other(std::move(small));
        EXPECT_THROW(other.restore_state(read_state_file<Real>(file)), std::invalid_argument);
    });
}

// A damaged state file found by fuzzing, on which HDF5 1.10 overflows a heap buffer inside
// H5Aopen: it carries no valid seal, so it is refused before the HDF5 library sees it.
TEST(StateFileRead, FileThatOverflowsTheHdf5LibraryIsRefusedBeforeParsing) {
    const std::string file = std::string(FLOODSIM_DAMAGED_DIR) + "/state-overflows-libhdf5.h5";
    try {
        (void)read_state_file<double>(file);
        FAIL() << "the damaged state file was read";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), file);
        EXPECT_EQ(e.key(), "seal");
    }
}

TEST(StateFileWrite, UnwritableTargetThrowsAndLeavesNothing) {
    TmpDir d;
    Simulation s(testing::busy_catchment(Scheme::Fv1, 1));
    const fs::path blocker = d.p / "blocker";
    std::ofstream(blocker) << "a file, not a folder";
    EXPECT_THROW(write_state_file((blocker / "x.state").string(), s.state(), StateFileInfo{}), std::runtime_error);
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(d.p)) ++n;
    EXPECT_EQ(n, 1u);
}

// A full disk (here the process's file size limit, 16 KiB, far below the state's size): the write
// throws naming the file and the reason, and neither the state file nor its temporary is left.
// In a child process, so that the limit stays there.
TEST(StateFileWrite, FullDiskThrowsNamingTheFileAndLeavesNothing) {
    TmpDir d;
    Simulation s(testing::busy_catchment(Scheme::Fv1, 1));
    const fs::path target = d.p / "x.state";
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{16 * 1024, 16 * 1024};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(10);
        try {
            write_state_file(target.string(), s.state(), StateFileInfo{});
        } catch (const std::runtime_error& e) {
            const std::string m = e.what();
            ::_exit(m.find(target.string()) == std::string::npos ? 12 : 0);
        }
        ::_exit(11);  // no error although the data cannot fit
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10: setrlimit failed, 11: no error, 12: the message does not name the file";
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(d.p)) ++n;
    EXPECT_EQ(n, 0u) << "a state file or its temporary was left behind";
}

INSTANTIATE_TEST_SUITE_P(Schemes, StateFile, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
