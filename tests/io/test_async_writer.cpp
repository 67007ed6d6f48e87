// AsyncResultWriter: the file it writes on its thread is the one Hdf5ResultWriter writes when
// called directly; writer errors reach the caller unchanged; nothing half-written is left.
#include "io/async_result_writer.hpp"
#include "io/hdf5_util.hpp"
#include "mesh/input_error.hpp"
#include "io_test_util.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <map>
#include <stdexcept>
#include <thread>

using namespace floodsim;
using namespace floodsim::test;
namespace fs = std::filesystem;

namespace {

/// Everything a reader can see in a file, object by object: the type, shape, storage (chunks,
/// filters) and raw bytes of every dataset, and every attribute's value ("path@name").
using Dump = std::map<std::string, std::string>;

std::string attr_value(hid_t attr) {
    h5::Handle t = h5::datatype(H5Aget_type(attr));
    h5::Handle s = h5::dataspace(H5Aget_space(attr));
    if (H5Tget_class(t.get()) == H5T_STRING) {
        h5::Handle mt = h5::vlen_string_type();
        char* text = nullptr;
        EXPECT_GE(H5Aread(attr, mt.get(), &text), 0);
        std::string out = "str:" + std::string(text ? text : "");
        H5free_memory(text);
        return out;
    }
    h5::Handle nt = h5::datatype(H5Tget_native_type(t.get(), H5T_DIR_ASCEND));
    std::string bytes(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s.get())) * H5Tget_size(nt.get()), '\0');
    EXPECT_GE(H5Aread(attr, nt.get(), bytes.data()), 0);
    return "class " + std::to_string(H5Tget_class(t.get())) + " size " + std::to_string(H5Tget_size(t.get())) + ":" +
           bytes;
}

void dump_attributes(hid_t obj, const std::string& path, Dump& out) {
    struct Ctx {
        const std::string* path;
        Dump* out;
    } ctx{&path, &out};
    hsize_t idx = 0;
    H5Aiterate2(
        obj, H5_INDEX_NAME, H5_ITER_INC, &idx,
        [](hid_t loc, const char* name, const H5A_info_t*, void* data) -> herr_t {
            auto* c = static_cast<Ctx*>(data);
            h5::Handle a = h5::attribute(H5Aopen(loc, name, H5P_DEFAULT));
            (*c->out)[*c->path + "@" + name] = attr_value(a.get());
            return 0;
        },
        &ctx);
}

void dump_dataset(hid_t d, const std::string& path, Dump& out) {
    h5::Handle t = h5::datatype(H5Dget_type(d));
    h5::Handle nt = h5::datatype(H5Tget_native_type(t.get(), H5T_DIR_ASCEND));
    h5::Handle s = h5::dataspace(H5Dget_space(d));
    const int rank = H5Sget_simple_extent_ndims(s.get());
    std::vector<hsize_t> dims(rank), maxdims(rank);
    H5Sget_simple_extent_dims(s.get(), dims.data(), maxdims.data());
    std::string shape = "class " + std::to_string(H5Tget_class(t.get())) + " size " +
                        std::to_string(H5Tget_size(t.get())) + " order " + std::to_string(H5Tget_order(t.get())) +
                        " dims";
    for (int r = 0; r < rank; ++r) {
        shape += ' ';
        shape += std::to_string(dims[r]);
        shape += '/';
        shape += std::to_string(maxdims[r]);
    }
    h5::Handle dcpl = h5::plist(H5Dget_create_plist(d));
    std::vector<hsize_t> chunk(rank);
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
        H5Pget_chunk(dcpl.get(), rank, chunk.data());
        shape += " chunk";
        for (auto c : chunk) {
            shape += ' ';
            shape += std::to_string(c);
        }
    }
    for (int i = 0; i < H5Pget_nfilters(dcpl.get()); ++i) {
        unsigned flags = 0, values[8] = {};
        std::size_t nvalues = 8;
        const H5Z_filter_t f = H5Pget_filter2(dcpl.get(), i, &flags, &nvalues, values, 0, nullptr, nullptr);
        shape += " filter ";
        shape += std::to_string(f);
        for (std::size_t v = 0; v < nvalues; ++v) {
            shape += ',';
            shape += std::to_string(values[v]);
        }
    }
    out[path + " shape"] = shape;
    std::string bytes(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s.get())) * H5Tget_size(nt.get()), '\0');
    if (!bytes.empty()) {
        EXPECT_GE(H5Dread(d, nt.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), 0) << path;
    }
    out[path + " data"] = bytes;
}

Dump dump(const std::string& file) {
    Dump out;
    h5::Handle fapl = h5::unlocked_fapl();
    h5::Handle f = h5::file(H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get()));
    EXPECT_TRUE(f) << file;
    if (!f) return out;
    dump_attributes(f.get(), "/", out);
    H5Ovisit2(
        f.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC,
        [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
            auto& out = *static_cast<Dump*>(data);
            const std::string path = std::string("/") + name;
            if (info->type == H5O_TYPE_DATASET) {
                h5::Handle d = h5::dataset(H5Dopen2(root, name, H5P_DEFAULT));
                dump_dataset(d.get(), path, out);
                dump_attributes(d.get(), path, out);
            } else if (info->type == H5O_TYPE_GROUP && std::strcmp(name, ".") != 0) {
                h5::Handle g = h5::group(H5Gopen2(root, name, H5P_DEFAULT));
                out[path + " group"] = "";
                dump_attributes(g.get(), path, out);
            }
            return 0;
        },
        &out, H5O_INFO_BASIC);
    return out;
}

void expect_same_files(const std::string& a, const std::string& b) {
    const Dump da = dump(a), db = dump(b);
    ASSERT_FALSE(da.empty());
    std::vector<std::string> ka, kb;
    for (const auto& [k, v] : da) ka.push_back(k);
    for (const auto& [k, v] : db) kb.push_back(k);
    ASSERT_EQ(ka, kb);
    for (const auto& [k, v] : da) EXPECT_TRUE(v == db.at(k)) << k << " differs";
}

/// The sample of io_test_util.hpp written through any writer with the same calls.
template <class W>
void write_sample_with(W& w) {
    for (int f = 0; f < sample_frames; ++f) {
        auto d = frame_of(sample_depth, f), vx = frame_of(sample_vx, f), vy = frame_of(sample_vy, f);
        w.write_frame(sample_time(f), d.data(), vx.data(), vy.data());
        w.write_gauge(0, gauge_sample(0, f));
    }
    for (int k = sample_frames; k < gauge_samples[0]; ++k) w.write_gauge(0, gauge_sample(0, k));
    for (int k = 0; k < gauge_samples[1]; ++k) w.write_gauge(1, gauge_sample(1, k));
    for (int k = 0; k < mass_rows; ++k) w.write_mass_balance(mass_row(k));
    w.flush();
    const auto md = max_depth_grid();
    std::vector<float> speed(md.size()), arrival(md.size());
    for (std::size_t i = 0; i < md.size(); ++i) {
        speed[i] = 2.0f * md[i];
        arrival[i] = md[i] > 0.01f ? static_cast<float>(10.0 * i) : NAN;
    }
    w.finish(md.data(), speed.data(), arrival.data(), 1234, 5.5);
}

/// A larger run: `frames` frames of a 300 x 200 grid (two tiles per row) with velocities,
/// gauge samples and mass-balance rows between them, written through W.
template <class W>
void write_run_frames(W& w, int first, int end) {
    const int nx = 300, ny = 200;
    std::vector<float> d(nx * ny), vx(nx * ny), vy(nx * ny);
    for (int f = first; f < end; ++f) {
        for (int k = 0; k < nx * ny; ++k) {
            const int i = k % nx, j = k / nx;
            d[k] = i + j < 20 ? NAN : std::max(0.0f, std::sin(0.05f * i + 0.3f * f) * std::cos(0.07f * j));
            vx[k] = 0.5f * d[k] * std::cos(0.01f * k);
            vy[k] = -0.25f * d[k];
        }
        w.write_frame(60.0 * f, d.data(), vx.data(), vy.data());
        for (int s = 0; s < 3; ++s) {
            w.write_gauge(0, gauge_sample(0, 3 * f + s));
            w.write_gauge(1, gauge_sample(1, 3 * f + s));
            w.write_mass_balance(mass_row(3 * f + s));
        }
    }
}

template <class W>
void finish_run(W& w) {
    std::vector<float> mx(300 * 200, 1.0f), sp(300 * 200, 2.0f), at(300 * 200, NAN);
    w.finish(mx.data(), sp.data(), at.data(), 99, 1.25);
}

template <class W>
void write_run_with(W& w, int frames) {
    write_run_frames(w, 0, frames);
    finish_run(w);
}

ResultMetadata run_meta() {
    ResultMetadata m = sample_meta();
    m.nx = 300;
    m.ny = 200;
    return m;
}

}  // namespace

TEST(AsyncResultWriter, WritesTheSameFileAsTheSynchronousWriter) {
    TempDir tmp;
    const std::string a = tmp.file("sync.h5"), b = tmp.file("async.h5");
    {
        Hdf5ResultWriter w(a, sample_meta());
        write_sample_with(w);
    }
    {
        AsyncResultWriter w(b, sample_meta());
        write_sample_with(w);
        EXPECT_TRUE(fs::exists(b)) << "complete when finish() returns";
        EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(b)));
    }
    expect_same_files(a, b);
}

TEST(AsyncResultWriter, SameFileWithManyFramesInFlightAndAFullQueue) {
    TempDir tmp;
    const std::string a = tmp.file("sync.h5");
    {
        Hdf5ResultWriter w(a, run_meta());
        write_run_with(w, 6);
    }
    // One frame buffer and a queue of two items: the caller blocks again and again.
    for (std::size_t buffers : {1, 2, 3}) {
        const std::string b = tmp.file("async" + std::to_string(buffers) + ".h5");
        AsyncWriterOptions o;
        o.frames_in_flight = buffers;
        o.max_queued_items = 2;
        {
            AsyncResultWriter w(b, run_meta(), o);
            write_run_with(w, 6);
        }
        SCOPED_TRACE(buffers);
        expect_same_files(a, b);
    }
}

TEST(AsyncResultWriter, FrameFillWritesWhatTheCallbackCopies) {
    TempDir tmp;
    const std::string a = tmp.file("sync.h5"), b = tmp.file("async.h5");
    const ResultMetadata meta = sample_meta(false);
    const auto d0 = frame_of(sample_depth, 0), d1 = frame_of(sample_depth, 1);
    const auto md = max_depth_grid();
    {
        Hdf5ResultWriter w(a, meta);
        w.write_frame(0.0, d0.data(), nullptr, nullptr);
        w.write_frame(300.0, d1.data(), nullptr, nullptr);
        w.finish(md.data(), md.data(), md.data(), 2, 0.5);
    }
    {
        AsyncResultWriter w(b, meta);
        for (const auto* src : {&d0, &d1})
            w.write_frame(src == &d0 ? 0.0 : 300.0, [&](float* d, float* vx, float* vy) {
                EXPECT_EQ(vx, nullptr);
                EXPECT_EQ(vy, nullptr);
                std::copy(src->begin(), src->end(), d);
            });
        w.finish(md.data(), md.data(), md.data(), 2, 0.5);
    }
    expect_same_files(a, b);
}

TEST(AsyncResultWriter, AllHdf5CallsHappenOnOneThreadThatIsNotTheCaller) {
    TempDir tmp;
    std::mutex m;
    std::set<std::thread::id> threads;
    AsyncWriterOptions o;
    o.before_write = [&](const char*) {
        std::lock_guard lock(m);
        threads.insert(std::this_thread::get_id());
    };
    {
        AsyncResultWriter w(tmp.file("r.h5"), sample_meta(), o);
        write_sample_with(w);
    }
    ASSERT_EQ(threads.size(), 1u);
    EXPECT_NE(*threads.begin(), std::this_thread::get_id());
}

TEST(AsyncResultWriter, WriterErrorReachesTheCallerAndLeavesNoFile) {
    for (const std::string failing : {"frame", "gauge", "mass_balance", "flush"}) {
        SCOPED_TRACE(failing);
        TempDir tmp;
        const std::string path = tmp.file("result.h5");
        AsyncWriterOptions o;
        std::atomic<int> calls{0};
        o.before_write = [&](const char* op) {
            if (failing == op && ++calls == (failing == "flush" ? 1 : 2))  // one flush in the sample
                throw std::runtime_error("HDF5 result " + path + ".part: writing /depth: No space left on device");
        };
        std::string message;
        {
            AsyncResultWriter w(path, sample_meta(), o);
            try {
                write_sample_with(w);  // the error surfaces at a later call, at the latest finish()
            } catch (const std::runtime_error& e) {
                message = e.what();
            }
            // It stays: every later call reports it again.
            EXPECT_THROW(w.check(), std::runtime_error);
            EXPECT_THROW(w.wait_idle(), std::runtime_error);
            EXPECT_THROW(w.write_gauge(0, gauge_sample(0, 9)), std::runtime_error);
        }
        EXPECT_EQ(message, "HDF5 result " + path + ".part: writing /depth: No space left on device");
        EXPECT_FALSE(fs::exists(path));
        EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(path)));
    }
}

TEST(AsyncResultWriter, ErrorInFinishIsThrownByFinishAndLeavesNoFile) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    AsyncWriterOptions o;
    o.before_write = [](const char* op) {
        if (std::string(op) == "finish") throw std::runtime_error("injected failure in finish");
    };
    {
        AsyncResultWriter w(path, sample_meta(), o);
        try {
            write_sample_with(w);
            ADD_FAILURE() << "finish did not throw";
        } catch (const std::runtime_error& e) {
            EXPECT_STREQ(e.what(), "injected failure in finish");
        }
    }
    EXPECT_FALSE(fs::exists(path));
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(path)));
}

TEST(AsyncResultWriter, CallerBlockedOnAFullQueueWakesUpOnAnError) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    AsyncWriterOptions o;
    o.frames_in_flight = 1;
    o.before_write = [](const char* op) {
        if (std::string(op) == "frame") {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            throw std::runtime_error("slow, then failed");
        }
    };
    const auto d = frame_of(sample_depth, 0), vx = frame_of(sample_vx, 0), vy = frame_of(sample_vy, 0);
    {
        AsyncResultWriter w(path, sample_meta(), o);
        w.write_frame(0.0, d.data(), vx.data(), vy.data());
        // The only buffer is in flight: this call waits for it and gets the error instead.
        EXPECT_THROW(w.write_frame(1.0, d.data(), vx.data(), vy.data()), std::runtime_error);
    }
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(path)));
}

TEST(AsyncResultWriter, DestroyedWithoutFinishLeavesNoFileAndKeepsThePreviousResult) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    write_sample(path);  // a previous, complete result
    const auto before = fs::file_size(path);
    {
        AsyncResultWriter w(path, run_meta());
        std::vector<float> d(300 * 200, 1.0f), v(300 * 200, 0.0f);
        for (int f = 0; f < 5; ++f) w.write_frame(f, d.data(), v.data(), v.data());
        EXPECT_TRUE(fs::exists(Hdf5ResultWriter::partial_path(path)));
    }  // as on an interrupt: queued frames are dropped, the partial file removed
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(path)));
    ASSERT_TRUE(fs::exists(path));
    EXPECT_EQ(fs::file_size(path), before);
}

TEST(AsyncResultWriter, CreationErrorIsThrownByTheConstructor) {
    TempDir tmp;
    {
        std::ofstream blocker(tmp.file("blocker"));
        blocker << "a regular file\n";
    }
    const std::string path = tmp.file("blocker") + "/sub/result.h5";
    std::string sync_message, async_message;
    try {
        Hdf5ResultWriter w(path, sample_meta());
    } catch (const std::runtime_error& e) {
        sync_message = e.what();
    }
    try {
        AsyncResultWriter w(path, sample_meta());
    } catch (const std::runtime_error& e) {
        async_message = e.what();
    }
    EXPECT_FALSE(sync_message.empty());
    EXPECT_EQ(async_message, sync_message);
    EXPECT_THROW(AsyncResultWriter(tmp.file("r.h5"), ResultMetadata{}), std::invalid_argument);
}

// The result journal (io/result_journal.hpp) of a checkpointed run: a writer abandoned after a
// journal sync and more writes keeps its journal; a new writer resuming at the synced length
// replays it, and the file it finishes equals the one written in one go. The journal goes once
// the file is complete; a damaged journal stops the resume naming it.
TEST(AsyncResultWriter, AJournalReplayedAtItsSyncedLengthGivesTheSameFile) {
    TempDir tmp;
    const std::string a = tmp.file("direct.h5"), b = tmp.file("resumed.h5");
    {
        Hdf5ResultWriter w(a, run_meta());
        write_run_with(w, 6);
    }
    AsyncWriterOptions o;
    o.journal_path = b + ".journal";
    o.frames_in_flight = 1;
    std::uint64_t synced = 0;
    {
        AsyncResultWriter w(b, run_meta(), o);
        write_run_frames(w, 0, 3);
        synced = w.sync_journal();
        write_run_frames(w, 3, 5);  // after the checkpoint: cut off and written again
        w.keep_journal();
    }  // abandoned, as a killed run
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(b)));
    ASSERT_TRUE(fs::exists(o.journal_path));
    EXPECT_GT(fs::file_size(o.journal_path), synced);

    // Damaged before the synced length: refused, naming the journal; nothing left behind.
    const std::string good = tmp.file("good.journal");
    fs::copy_file(o.journal_path, good);
    {
        std::fstream f(o.journal_path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(synced / 2));
        f.put('\x5a');
    }
    AsyncWriterOptions r = o;
    r.resume_journal_bytes = synced;
    try {
        AsyncResultWriter w(b, run_meta(), r);
        ADD_FAILURE() << "a damaged journal was replayed";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(o.journal_path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(b)));
    EXPECT_TRUE(fs::exists(o.journal_path)) << "a failed resume keeps the journal for the next try";
    fs::copy_file(good, o.journal_path, fs::copy_options::overwrite_existing);
    {
        AsyncResultWriter w(b, run_meta(), r);
        write_run_frames(w, 3, 6);
        finish_run(w);
    }
    expect_same_files(a, b);
    EXPECT_FALSE(fs::exists(o.journal_path)) << "a complete result needs no journal";
}
