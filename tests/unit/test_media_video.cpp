#include "media_support.hpp"
#include "unit_support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <functional>
#include <looppost/core/errors.hpp>
#include <looppost/media/video.hpp>

using namespace looppost;
using namespace looppost::media;
namespace fs = std::filesystem;

namespace {

/// One second (unless `seconds` says otherwise) of ffmpeg's test pattern.
fs::path make_video(const fs::path& dir, const std::string& name, const std::string& size, int rate,
                    const std::string& codec, const std::string& extra = "") {
    fs::path out = dir / name;
    test::run("ffmpeg -v error -y -f lavfi -i testsrc=size=" + size + ":rate=" +
              std::to_string(rate) + ":duration=1 " + codec + " " + extra + " " + test::q(out));
    return out;
}

const std::string k_h264 = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p";

/// The fixtures, made once for all video tests.
struct Videos {
    test::TempDir dir;
    fs::path mp4 = make_video(dir.path(), "ok.mp4", "360x640", 30, k_h264);
    fs::path mov = make_video(dir.path(), "ok.mov", "360x640", 30, k_h264);
    fs::path slow = make_video(dir.path(), "slow.mp4", "360x640", 20, k_h264);
    fs::path small = make_video(dir.path(), "small.mp4", "320x240", 30, k_h264);
    fs::path avi = make_video(dir.path(), "old.avi", "360x640", 25, "-c:v mpeg4");
    fs::path webm = make_video(dir.path(), "ok.webm", "360x640", 30,
                               "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 200k");
    fs::path mkv = make_video(dir.path(), "h264.mkv", "360x640", 30, k_h264);
    fs::path long_one = [&] {
        // A one-second picture with ten minutes and a second of silence: the container says
        // 601 s, the file stays small.
        fs::path out = dir.path() / "long.mp4";
        test::run("ffmpeg -v error -y -f lavfi -i testsrc=size=360x640:rate=24:duration=1 "
                  "-f lavfi -i anullsrc=r=8000:cl=mono:duration=601 " +
                  k_h264 + " -c:a aac -b:a 8k " + test::q(out));
        return out;
    }();
};

const Videos& videos() {
    static const Videos v;
    return v;
}

Exit exit_of(const std::function<void()>& f, std::string& message) {
    try {
        f();
    } catch (const Error& e) {
        message = e.what();
        return e.exit();
    }
    return Exit::ok;
}

bool contains(const std::string& s, const std::string& needle) {
    return s.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("an H.264 MP4 at 30 fps and 360×640 breaks no media rule") {
    const Videos& v = videos();
    VideoFacts f = probe_video(v.mp4);
    CHECK(avformat_loaded());
    CHECK(f.container == "mp4");
    CHECK(f.codec == "h264");
    CHECK(f.fps == doctest::Approx(30));
    CHECK(f.width == 360);
    CHECK(f.height == 640);
    CHECK(f.duration_ms == doctest::Approx(1000).epsilon(0.05));
    CHECK(f.bytes == fs::file_size(v.mp4));
    CHECK(f.mime == "video/mp4");
    CHECK(video_problems(f, v.mp4).empty());

    VideoFacts mov = probe_video(v.mov);
    CHECK(mov.container == "mov");
    CHECK(mov.mime == "video/quicktime");
    CHECK(video_problems(mov, v.mov).empty());
}

TEST_CASE("media VP9 in WebM is accepted, H.264 in other Matroska is not") {
    const Videos& v = videos();
    VideoFacts webm = probe_video(v.webm);
    CHECK(webm.container == "webm");
    CHECK(webm.codec == "vp9");
    CHECK(webm.mime == "video/webm");
    CHECK(webm.fps == doctest::Approx(30));
    CHECK(video_problems(webm, v.webm).empty());

    VideoFacts mkv = probe_video(v.mkv);
    CHECK(mkv.container == "matroska");
    CHECK(mkv.codec == "h264");
    auto problems = video_problems(mkv, v.mkv);
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0].message, "video \"" + v.mkv.string() + "\": container Matroska"));
    CHECK(contains(problems[0].message, "TikTok takes MP4, MOV or WebM"));
    REQUIRE(problems[0].ffmpeg);
    CHECK(contains(*problems[0].ffmpeg, "-c:v libx264"));
    CHECK(contains(*problems[0].ffmpeg, "h264.mp4\""));
}

TEST_CASE("a 20 fps media video breaks the frame-rate rule and -r 30 fixes it") {
    const Videos& v = videos();
    VideoFacts f = probe_video(v.slow);
    CHECK(f.fps == doctest::Approx(20));
    auto problems = video_problems(f, v.slow);
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0].message, "20 fps is outside TikTok's 23–60 fps"));
    REQUIRE(problems[0].ffmpeg);
    CHECK(contains(*problems[0].ffmpeg, "-r 30"));
    // Same name as the input: the command must not overwrite it.
    CHECK(contains(*problems[0].ffmpeg, "slow-tiktok.mp4\""));
}

TEST_CASE("a 320×240 media video is too small and a scale filter keeping its aspect fixes it") {
    const Videos& v = videos();
    VideoFacts f = probe_video(v.small);
    CHECK(f.width == 320);
    CHECK(f.height == 240);
    auto problems = video_problems(f, v.small);
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0].message, "320×240 is outside TikTok's 360–4096 px per side"));
    REQUIRE(problems[0].ffmpeg);
    CHECK(contains(*problems[0].ffmpeg, "-vf scale=-2:360"));
}

TEST_CASE("MPEG-4 Part 2 in AVI breaks the media container and codec rules, one command fixes "
          "both") {
    const Videos& v = videos();
    VideoFacts f = probe_video(v.avi);
    CHECK(f.container == "avi");
    CHECK(f.codec == "mpeg4");
    CHECK(f.fps == doctest::Approx(25));
    auto problems = video_problems(f, v.avi);
    REQUIRE(problems.size() == 2);
    CHECK(contains(problems[0].message, "container AVI is not accepted"));
    CHECK(contains(problems[1].message, "codec mpeg4 is not accepted; TikTok takes H.264, H.265, "
                                        "VP8 or VP9"));
    REQUIRE(problems[0].ffmpeg);
    CHECK(problems[0].ffmpeg == problems[1].ffmpeg);
    fs::path out = v.avi;
    out.replace_extension(".mp4");
    CHECK(*problems[0].ffmpeg == "ffmpeg -i \"" + v.avi.string() +
                                     "\" -c:v libx264 -crf 18 -preset slow -c:a aac \"" +
                                     out.string() + "\"");
}

TEST_CASE("a media video over 600 s can be trimmed in the app or cut with ffmpeg") {
    const Videos& v = videos();
    VideoFacts f = probe_video(v.long_one);
    CHECK(f.duration_ms > 600'000);
    CHECK(f.bytes < 1'000'000);
    auto problems = video_problems(f, v.long_one);
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0].message, "lasts 10:01 (601 s), over TikTok's 600 s limit"));
    CHECK(contains(problems[0].message, "trim it in the TikTok app"));
    REQUIRE(problems[0].ffmpeg);
    CHECK(contains(*problems[0].ffmpeg, "-t 600 -c copy"));

    VideoLimits three_minutes;
    three_minutes.max_duration_s = 180;
    CHECK(video_problems(probe_video(v.mp4), v.mp4, three_minutes).empty());
    problems = video_problems(f, v.long_one, three_minutes);
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0].message, "over TikTok's 180 s limit"));
    CHECK(contains(*problems[0].ffmpeg, "-t 180"));
}

TEST_CASE("several media problems share one suggested command") {
    VideoFacts f;
    f.container = "avi";
    f.codec = "mpeg4";
    f.fps = 15;
    f.width = 200;
    f.height = 300;
    f.duration_ms = 700'000;
    f.bytes = 5'000'000'000;
    f.mime = "video/x-msvideo";
    auto problems = video_problems(f, "clip.avi");
    REQUIRE(problems.size() == 6);
    for (const auto& p : problems) {
        CAPTURE(p.message);
        CHECK(p.message.find("video \"clip.avi\": ") == 0);
        REQUIRE(p.ffmpeg);
        CHECK(*p.ffmpeg == "ffmpeg -i \"clip.avi\" -t 600 -r 30 -vf scale=360:-2 -c:v libx264 "
                           "-crf 23 -preset slow -c:a aac \"clip.mp4\"");
    }
    CHECK(contains(problems[5].message, "5 GB is over TikTok's 4 GB limit"));

    // A strip too thin for any size that keeps its aspect: no scale to suggest.
    f = VideoFacts{"mp4", "h264", 30, 100, 5000, 1000, 1000, "video/mp4"};
    problems = video_problems(f, "strip.mp4");
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0].message, "crop it first"));
    CHECK_FALSE(problems[0].ffmpeg);
}

TEST_CASE("media files that are no video are errors that name the file") {
    test::TempDir dir;
    test::write_bytes(dir.path() / "notes.mp4", "these are notes, not a video\n");
    test::write_bytes(dir.path() / "empty.mp4", "");
    fs::create_directory(dir.path() / "folder.mp4");
    test::run("ffmpeg -v error -y -f lavfi -i testsrc=size=64x64 -frames:v 1 " +
              test::q(dir.path() / "photo.jpg"));
    test::run("ffmpeg -v error -y -f lavfi -i anullsrc=r=8000:cl=mono:duration=1 -c:a aac " +
              test::q(dir.path() / "sound.m4a"));

    struct Case {
        std::string name;
        Exit exit;
        std::string reason;
    };
    const Case cases[] = {
        {"missing.mp4", Exit::no_input, "does not exist"},
        {"folder.mp4", Exit::bad_input, "is a directory"},
        {"empty.mp4", Exit::bad_input, "is empty"},
        {"notes.mp4", Exit::bad_input, "cannot be read as a video"},
        {"photo.jpg", Exit::bad_input, "is not a video"},
        {"sound.m4a", Exit::bad_input, "has no video stream"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        fs::path p = dir.path() / c.name;
        std::string message;
        CHECK(exit_of([&] { probe_video(p); }, message) == c.exit);
        CHECK(message.find("video \"" + p.string() + "\"") == 0);
        CHECK(contains(message, c.reason));
        CHECK(message.find('\n') == std::string::npos);
    }
}
