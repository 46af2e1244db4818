#pragma once
// A post as the user gave it — from flags, a JSONL object or a CSV row — before any checking.
// Field names are the post options of DESIGN §2 (underscores in JSONL and CSV).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace looppost::queue {

struct PostInput {
    std::size_t line = 0; ///< the input line (bulk); 0 for the command line
    std::optional<std::string> account;
    std::optional<std::filesystem::path> video;
    std::vector<std::filesystem::path> photos;
    std::optional<std::string> caption;
    std::optional<std::string> title;
    std::optional<std::string> at; ///< as given; "next-slot" asks for the next free slot
    std::optional<std::string> mode;
    std::optional<std::string> privacy;
    std::optional<bool> allow_comments;
    std::optional<bool> allow_duet;
    std::optional<bool> allow_stitch;
    std::optional<bool> auto_music;
    std::optional<bool> brand_organic;
    std::optional<bool> brand_content;
    std::optional<bool> aigc;
    std::optional<std::int64_t> cover_index;
    std::optional<std::int64_t> cover_ms;
    std::optional<std::string> key;
};

/// One post option (media, account and key aside): its name — the JSONL key and CSV column; the
/// flag is the same with dashes — and the PostInput member that holds it. The one list of them:
/// reading, defaults, `queue edit` and the flags all walk it.
struct OptionField {
    using Text = std::optional<std::string> PostInput::*;
    using Flag = std::optional<bool> PostInput::*;
    using Number = std::optional<std::int64_t> PostInput::*;
    std::string_view name;
    std::variant<Text, Flag, Number> member;
};

/// The post options, in DESIGN §2's order.
const std::vector<OptionField>& option_fields();

/// Copies every option `from` sets into `to` (`queue edit` applying its changes).
void take_options(PostInput& to, const PostInput& from);

/// Fills what `line` leaves unset from `defaults` (the command line's flags under --from).
PostInput with_defaults(PostInput line, const PostInput& defaults);

/// The names of every field a JSONL key or CSV column may carry.
const std::vector<std::string>& field_names();

/// A bulk line that cannot be read: its number and why.
struct LineError {
    std::size_t line = 0;
    std::string message;
};

/// The posts of a JSONL text (one object per line; blank lines skipped). Relative media paths are
/// resolved against `base`. Every bad line is reported, not only the first.
std::vector<PostInput> parse_jsonl(std::string_view text, const std::filesystem::path& base,
                                   std::vector<LineError>& errors);

/// The posts of a CSV text (RFC 4180, a header row naming the fields, photos separated by "|").
std::vector<PostInput> parse_csv_posts(std::string_view text, const std::filesystem::path& base,
                                       std::vector<LineError>& errors);

} // namespace looppost::queue
