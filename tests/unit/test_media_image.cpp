#include "media_support.hpp"
#include "unit_support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <functional>
#include <looppost/core/errors.hpp>
#include <looppost/media/image.hpp>
#include <looppost/util/fs.hpp>
#include <thread>

using namespace looppost;
using namespace looppost::media;
namespace fs = std::filesystem;

namespace {

/// A still from ffmpeg's test pattern: detailed enough that sizes and qualities matter.
fs::path make_still(const fs::path& dir, const std::string& name, int w, int h,
                    const std::string& extra = "") {
    fs::path out = dir / name;
    test::run("ffmpeg -v error -y -f lavfi -i testsrc2=size=" + std::to_string(w) + "x" +
              std::to_string(h) + " -frames:v 1 " + extra + " " + test::q(out));
    return out;
}

std::string le16(unsigned v) {
    return {static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF)};
}
std::string le32(unsigned v) {
    return le16(v & 0xFFFF) + le16(v >> 16);
}
std::string be16(unsigned v) {
    return {static_cast<char>((v >> 8) & 0xFF), static_cast<char>(v & 0xFF)};
}

/// An EXIF APP1 segment with Orientation and a GPS IFD (latitude ref "N"), and an XMP one.
std::string metadata_segments(unsigned orientation) {
    std::string tiff = "II" + le16(42) + le32(8);
    // IFD0 at 8: Orientation (SHORT) and the GPS IFD pointer (LONG); GPS IFD follows at 38.
    tiff += le16(2);
    tiff += le16(0x0112) + le16(3) + le32(1) + le16(orientation) + le16(0);
    tiff += le16(0x8825) + le16(4) + le32(1) + le32(38);
    tiff += le32(0);
    tiff += le16(2);
    tiff += le16(0x0000) + le16(1) + le32(4) + std::string("\x02\x02\x00\x00", 4);
    tiff += le16(0x0001) + le16(2) + le32(2) + std::string("N\0\0\0", 4);
    tiff += le32(0);
    std::string exif = std::string("Exif\0\0", 6) + tiff;
    std::string xmp = std::string("http://ns.adobe.com/xap/1.0/\0", 29) +
                      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"></x:xmpmeta>";
    return "\xFF\xE1" + be16(static_cast<unsigned>(exif.size() + 2)) + exif + "\xFF\xE1" +
           be16(static_cast<unsigned>(xmp.size() + 2)) + xmp;
}

/// `jpeg` with EXIF (orientation, GPS) and XMP inserted right after its SOI marker.
fs::path with_metadata(const fs::path& jpeg, const fs::path& out, unsigned orientation) {
    std::string bytes = test::slurp(jpeg);
    bytes.insert(2, metadata_segments(orientation));
    test::write_bytes(out, bytes);
    return out;
}

bool has(const std::vector<std::string>& changes, const std::string& needle) {
    return std::any_of(changes.begin(), changes.end(),
                       [&](const std::string& c) { return c.find(needle) != std::string::npos; });
}

/// What `vipsheader -a` lists for `file`: the re-loaded output's metadata fields.
std::string header_of(const fs::path& file) {
    return test::capture("vipsheader -a " + test::q(file));
}

void check_no_metadata(const fs::path& file) {
    std::string header = header_of(file);
    REQUIRE(!header.empty());
    CHECK(header.find("exif") == std::string::npos);
    CHECK(header.find("xmp") == std::string::npos);
    CHECK(header.find("iptc") == std::string::npos);
    CHECK(header.find("GPS") == std::string::npos);
    std::string bytes = test::slurp(file);
    CHECK(bytes.find(std::string("Exif\0\0", 6)) == std::string::npos);
    CHECK(bytes.find("ns.adobe.com/xap") == std::string::npos);
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

} // namespace

TEST_CASE("a 4000×3000 media JPEG is scaled so that its shorter side is 1080") {
    test::TempDir dir;
    fs::path src = make_still(dir.path(), "big.jpg", 4000, 3000, "-q:v 3");
    std::string before = test::slurp(src);
    ImageResult r = normalise_image(src, dir.path(), true);
    CHECK(vips_loaded());
    CHECK(r.changed);
    CHECK(r.file != src);
    CHECK(r.file.parent_path() == dir.path());
    CHECK(r.mime == "image/jpeg");
    CHECK(r.width == 1440);
    CHECK(r.height == 1080);
    CHECK(r.bytes == fs::file_size(r.file));
    CHECK(has(r.changes, "scaled 4000×3000 to 1440×1080"));
    CHECK(r.changes.size() == 1);
    CHECK(util::file_mode(r.file) == 0600);
    CHECK(test::slurp(src) == before);
    CHECK(header_of(r.file).find("width: 1440") != std::string::npos);
}

TEST_CASE("an upright media JPEG within the limits and free of metadata is kept byte for byte") {
    test::TempDir dir;
    fs::path src = make_still(dir.path(), "ok.jpg", 1080, 1350);
    ImageResult r = normalise_image(src, dir.path(), true);
    CHECK_FALSE(r.changed);
    CHECK(r.file == src);
    CHECK(r.changes.empty());
    CHECK(r.mime == "image/jpeg");
    CHECK(r.width == 1080);
    CHECK(r.height == 1350);
    CHECK(r.bytes == fs::file_size(src));
    // Nothing was written beside it.
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
    // With --no-fix it passes too.
    CHECK(normalise_image(src, dir.path(), false).file == src);
}

TEST_CASE("a media JPEG with EXIF orientation 6 and GPS data comes out upright and bare") {
    test::TempDir dir;
    fs::path plain = make_still(dir.path(), "plain.jpg", 300, 200);
    fs::path src = with_metadata(plain, dir.path() / "phone.jpg", 6);
    REQUIRE(header_of(src).find("exif-ifd3-GPSLatitudeRef") != std::string::npos);
    ImageResult r = normalise_image(src, dir.path(), true);
    CHECK(r.changed);
    CHECK(r.width == 200);
    CHECK(r.height == 300);
    CHECK(r.mime == "image/jpeg");
    CHECK(has(r.changes, "turned upright (EXIF orientation 6)"));
    CHECK(has(r.changes, "removed metadata (EXIF incl. GPS, XMP)"));
    CHECK_FALSE(has(r.changes, "scaled"));
    check_no_metadata(r.file);
    std::string header = header_of(r.file);
    CHECK(header.find("width: 200") != std::string::npos);
    CHECK(header.find("height: 300") != std::string::npos);
}

TEST_CASE("media PNG, TIFF, GIF and HEIC photos are converted to JPEG") {
    test::TempDir dir;
    fs::path png = make_still(dir.path(), "a.png", 640, 480);
    struct Case {
        fs::path file;
        std::string label;
    };
    std::vector<Case> cases = {
        {png, "PNG"},
        {make_still(dir.path(), "rgba.png", 640, 480, "-pix_fmt rgba"), "PNG"},
        {make_still(dir.path(), "grey-alpha.png", 640, 480, "-pix_fmt ya8"), "PNG"},
        {make_still(dir.path(), "a.tiff", 640, 480, "-pix_fmt rgb24"), "TIFF"},
        {make_still(dir.path(), "a.gif", 640, 480), "GIF"},
    };
    fs::path heic = dir.path() / "a.heic";
    if (std::system(("vips heifsave " + test::q(png) + " " + test::q(heic) +
                     " --compression hevc >/dev/null 2>&1")
                        .c_str()) == 0) {
        cases.push_back({heic, "HEIC"});
    } else {
        MESSAGE("libheif here cannot encode HEIC: the HEIC case is skipped");
    }
    for (const Case& c : cases) {
        CAPTURE(c.file);
        ImageResult r = normalise_image(c.file, dir.path(), true);
        CHECK(r.changed);
        CHECK(r.mime == "image/jpeg");
        CHECK(r.width == 640);
        CHECK(r.height == 480);
        CHECK(has(r.changes, "converted " + c.label + " to JPEG"));
        CHECK(test::slurp(r.file).substr(0, 2) == "\xFF\xD8");
        check_no_metadata(r.file);
    }
}

TEST_CASE("a media WebP stays WebP: kept when fine, scaled when too large") {
    test::TempDir dir;
    fs::path small = make_still(dir.path(), "small.webp", 800, 600);
    ImageResult kept = normalise_image(small, dir.path(), true);
    CHECK_FALSE(kept.changed);
    CHECK(kept.file == small);
    CHECK(kept.mime == "image/webp");

    fs::path large = make_still(dir.path(), "large.webp", 1600, 2000);
    ImageResult r = normalise_image(large, dir.path(), true);
    CHECK(r.changed);
    CHECK(r.mime == "image/webp");
    CHECK(r.width == 1080);
    CHECK(r.height == 1350);
    CHECK(r.file.extension() == ".webp");
    CHECK(test::slurp(r.file).substr(8, 4) == "WEBP");
}

TEST_CASE("with --no-fix a media photo that needs changes is one error listing every problem") {
    test::TempDir dir;
    fs::path plain = make_still(dir.path(), "plain.jpg", 1300, 1200);
    fs::path phone = with_metadata(plain, dir.path() / "phone.jpg", 6);
    fs::path out_dir = dir.path() / "out";
    fs::create_directory(out_dir);

    std::string message;
    CHECK(exit_of([&] { normalise_image(phone, out_dir, false); }, message) == Exit::bad_input);
    CHECK(message.find("photo \"" + phone.string() + "\" needs changes TikTok requires: ") == 0);
    CHECK(message.find("EXIF orientation 6") != std::string::npos);
    CHECK(message.find("1200×1300 (shorter side must be ≤ 1080)") != std::string::npos);
    CHECK(message.find("carries EXIF/GPS/XMP metadata") != std::string::npos);
    CHECK(message.find("drop --no-fix to let looppost fix them") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);

    fs::path png = make_still(dir.path(), "a.png", 4000, 3000);
    CHECK(exit_of([&] { normalise_image(png, out_dir, false); }, message) == Exit::bad_input);
    CHECK(message.find("PNG (TikTok takes JPEG or WebP); 4000×3000 (shorter side must be ≤ "
                       "1080)") != std::string::npos);
    CHECK(fs::is_empty(out_dir));
}

TEST_CASE("a media photo over max_bytes gets a lower quality until it fits") {
    test::TempDir dir;
    fs::path png = make_still(dir.path(), "noise.png", 1000, 800, "-vf noise=alls=60:allf=t");
    ImageResult first = normalise_image(png, dir.path(), true);
    CHECK_FALSE(has(first.changes, "quality"));
    ImageLimits limits;
    limits.max_bytes = first.bytes * 6 / 10;
    ImageResult r = normalise_image(png, dir.path(), true, limits);
    CHECK(r.changed);
    CHECK(r.bytes <= limits.max_bytes);
    CHECK(fs::file_size(r.file) == r.bytes);
    CHECK(has(r.changes, "lowered JPEG quality to "));
    CHECK(has(r.changes, " to stay under "));

    limits.max_bytes = 2000;
    std::string message;
    CHECK(exit_of([&] { normalise_image(png, dir.path(), true, limits); }, message) ==
          Exit::bad_input);
    CHECK(message.find("stays over 2 kB") != std::string::npos);
}

TEST_CASE("broken media photos are errors that name the file") {
    test::TempDir dir;
    fs::path small = make_still(dir.path(), "small.jpg", 400, 300);
    fs::path big = make_still(dir.path(), "big.jpg", 4000, 3000);
    std::string bytes = test::slurp(small);
    test::write_bytes(dir.path() / "cut.jpg", bytes.substr(0, bytes.size() / 2));
    bytes = test::slurp(big);
    test::write_bytes(dir.path() / "cut-big.jpg", bytes.substr(0, bytes.size() / 2));
    test::write_bytes(dir.path() / "notes.jpg", "these are notes, not a photo\n");
    test::write_bytes(dir.path() / "empty.jpg", "");
    fs::create_directory(dir.path() / "folder.jpg");

    struct Case {
        std::string name;
        bool fix;
        Exit exit;
        std::string reason;
    };
    const Case cases[] = {
        {"missing.jpg", true, Exit::no_input, "does not exist"},
        {"folder.jpg", true, Exit::bad_input, "is a directory"},
        {"empty.jpg", true, Exit::bad_input, "is empty"},
        {"notes.jpg", true, Exit::bad_input, "is not a JPEG, PNG, WebP, HEIC, TIFF or GIF image"},
        {"cut.jpg", true, Exit::bad_input, "truncated or corrupt"},
        {"cut.jpg", false, Exit::bad_input, "truncated or corrupt"},
        {"cut-big.jpg", true, Exit::bad_input, "truncated or corrupt"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CAPTURE(c.fix);
        fs::path p = dir.path() / c.name;
        std::string message;
        CHECK(exit_of([&] { normalise_image(p, dir.path(), c.fix); }, message) == c.exit);
        CHECK(message.find("photo \"" + p.string() + "\"") == 0);
        CHECK(message.find(c.reason) != std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
    }
    // No temp file was left behind by the failures.
    for (const auto& e : fs::directory_iterator(dir.path())) {
        CHECK(e.path().filename().string().rfind(".looppost-photo-", 0) != 0);
    }
}

TEST_CASE("two threads can normalise media photos at once") {
    test::TempDir dir;
    fs::path a = make_still(dir.path(), "a.jpg", 2400, 1800);
    fs::path b =
        with_metadata(make_still(dir.path(), "b0.jpg", 1800, 2400), dir.path() / "b.jpg", 6);
    ImageResult ra;
    ImageResult rb;
    std::thread t1([&] {
        for (int i = 0; i < 3; ++i) {
            ra = normalise_image(a, dir.path(), true);
        }
    });
    std::thread t2([&] {
        for (int i = 0; i < 3; ++i) {
            rb = normalise_image(b, dir.path(), true);
        }
    });
    t1.join();
    t2.join();
    CHECK(ra.width == 1440);
    CHECK(ra.height == 1080);
    CHECK(rb.width == 1440); // 1800×2400 turned a quarter is 2400×1800
    CHECK(rb.height == 1080);
    CHECK(ra.file != rb.file);
    check_no_metadata(rb.file);
}

TEST_CASE("a media photo with an ICC profile is converted to sRGB before the profile goes") {
    test::TempDir dir;
    fs::path plain = make_still(dir.path(), "plain.jpg", 1600, 1200);
    fs::path tagged = dir.path() / "tagged.jpg";
    test::run("vips icc_transform " + test::q(plain) + " " + test::q(tagged) + " srgb");
    REQUIRE(header_of(tagged).find("icc-profile-data") != std::string::npos);
    ImageResult r = normalise_image(tagged, dir.path(), true);
    CHECK(r.changed);
    CHECK(has(r.changes, "converted colours to sRGB and dropped the ICC profile"));
    CHECK(has(r.changes, "scaled 1600×1200 to 1440×1080"));
    CHECK(header_of(r.file).find("icc-profile-data") == std::string::npos);
}

TEST_CASE("an animated media GIF becomes a JPEG of its first frame") {
    test::TempDir dir;
    fs::path gif = dir.path() / "anim.gif";
    test::run("ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=10 -frames:v 5 " +
              test::q(gif));
    ImageResult r = normalise_image(gif, dir.path(), true);
    CHECK(r.mime == "image/jpeg");
    CHECK(r.width == 320);
    CHECK(r.height == 240);
    CHECK(has(r.changes, "converted GIF to JPEG"));
    CHECK(has(r.changes, "kept the first of 5 frames"));
}
