#pragma once
// libavformat, libavcodec and libavutil (FFmpeg), resolved with dlopen on first use: one small
// table per library with the functions looppost calls. Private to src/media.

#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

namespace looppost::media::detail {

struct AvformatApi {
    int (*open_input)(AVFormatContext** ps, const char* url, const AVInputFormat* fmt,
                      AVDictionary** options);
    int (*find_stream_info)(AVFormatContext* ic, AVDictionary** options);
    void (*close_input)(AVFormatContext** s);
};

struct AvcodecApi {
    const char* (*get_name)(enum AVCodecID id);
};

struct AvutilApi {
    int (*strerror)(int errnum, char* errbuf, size_t errbuf_size);
    void (*log_set_level)(int level);
    AVDictionaryEntry* (*dict_get)(const AVDictionary* m, const char* key,
                                   const AVDictionaryEntry* prev, int flags);
};

struct AvApi {
    AvformatApi format;
    AvcodecApi codec;
    AvutilApi util;
};

/// Loads the libraries of the FFmpeg these headers belong to (libavformat.so.59 …) once
/// (thread-safe) and silences their logging. Throws Error(unavailable) naming the package.
const AvApi& av_api();
bool av_api_loaded();

/// av_strerror's text for `code`, lowercase.
std::string av_error(int code);

} // namespace looppost::media::detail
