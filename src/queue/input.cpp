#include <fmt/format.h>
#include <looppost/queue/input.hpp>
#include <looppost/util/csv.hpp>
#include <looppost/util/strings.hpp>
#include <stdexcept>

namespace looppost::queue {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// A field value that does not fit its field.
struct BadField : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const OptionField* option(std::string_view name) {
    for (const auto& f : option_fields()) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

template <class T> void fill(std::optional<T>& field, const std::optional<T>& fallback) {
    if (!field)
        field = fallback;
}

fs::path resolve(const fs::path& base, const std::string& p) {
    if (p.empty())
        throw BadField("an empty media path");
    fs::path path(p);
    return path.is_absolute() ? path : base / path;
}

std::optional<bool> parse_bool(std::string_view name, std::string_view v) {
    std::string s = util::to_lower(util::trim(v));
    if (s.empty())
        return std::nullopt;
    if (s == "true" || s == "1" || s == "yes" || s == "y" || s == "on")
        return true;
    if (s == "false" || s == "0" || s == "no" || s == "n" || s == "off")
        return false;
    throw BadField(fmt::format("{} must be true or false, not \"{}\"", name, v));
}

std::optional<std::int64_t> parse_int(std::string_view name, std::string_view v) {
    std::string s(util::trim(v));
    if (s.empty())
        return std::nullopt;
    std::size_t used = 0;
    long long n = 0;
    try {
        n = std::stoll(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size())
        throw BadField(fmt::format("{} must be a whole number, not \"{}\"", name, v));
    return n;
}

/// Sets one field from text (CSV cells, and JSON strings where a string is natural).
void set_text(PostInput& in, const std::string& name, const std::string& v, const fs::path& base) {
    auto text = [&]() -> std::optional<std::string> {
        if (v.empty())
            return std::nullopt;
        return v;
    };
    if (name == "account") {
        in.account = text();
    } else if (name == "key") {
        in.key = text();
    } else if (name == "video") {
        in.video = v.empty() ? std::nullopt : std::optional<fs::path>(resolve(base, v));
    } else if (name == "photo") {
        if (!v.empty()) {
            for (const auto& p : util::split(v, '|'))
                in.photos.push_back(resolve(base, std::string(util::trim(p))));
        }
    } else if (const auto* f = option(name)) {
        std::visit(
            [&](auto member) {
                using T = typename std::remove_reference_t<decltype(in.*member)>::value_type;
                if constexpr (std::is_same_v<T, bool>)
                    in.*member = parse_bool(name, v);
                else if constexpr (std::is_same_v<T, std::int64_t>)
                    in.*member = parse_int(name, v);
                else
                    in.*member = text();
            },
            f->member);
    }
}

void check_name(const std::string& name) {
    const auto& names = field_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        throw BadField(
            fmt::format("unknown field \"{}\"{}", name, util::did_you_mean(name, names)));
    }
}

bool is_flag(const std::string& name) {
    const auto* f = option(name);
    return f && std::holds_alternative<OptionField::Flag>(f->member);
}

bool is_number(const std::string& name) {
    const auto* f = option(name);
    return f && std::holds_alternative<OptionField::Number>(f->member);
}

/// What a field takes, in words, for messages.
std::string_view wanted(const std::string& name) {
    if (is_flag(name))
        return "true or false";
    if (is_number(name))
        return "a whole number";
    return name == "at" ? "text such as \"+2h\"" : "text";
}

void set_json(PostInput& in, const std::string& name, const json& v, const fs::path& base) {
    check_name(name);
    if (v.is_null())
        return;
    if (name == "photo" && v.is_array()) {
        if (v.empty())
            throw BadField("photo is an empty list");
        for (const auto& p : v) {
            if (!p.is_string())
                throw BadField("photo must be a list of file names");
            in.photos.push_back(resolve(base, p.get<std::string>()));
        }
        return;
    }
    if (v.is_boolean()) {
        if (!is_flag(name))
            throw BadField(fmt::format("{} must be {}, not true or false", name, wanted(name)));
        set_text(in, name, v.get<bool>() ? "true" : "false", base);
        return;
    }
    if (v.is_number_integer()) {
        if (!is_number(name))
            throw BadField(fmt::format("{} must be {}, not a number", name, wanted(name)));
        set_text(in, name, std::to_string(v.get<std::int64_t>()), base);
        return;
    }
    if (!v.is_string())
        throw BadField(fmt::format("{} has a value of the wrong type ({})", name, v.type_name()));
    if (v.get<std::string>().empty() && (name == "video" || name == "photo"))
        throw BadField(fmt::format("{} is empty", name));
    set_text(in, name, v.get<std::string>(), base);
}

} // namespace

const std::vector<OptionField>& option_fields() {
    static const std::vector<OptionField> fields = {
        {"caption", &PostInput::caption},
        {"title", &PostInput::title},
        {"at", &PostInput::at},
        {"mode", &PostInput::mode},
        {"privacy", &PostInput::privacy},
        {"allow_comments", &PostInput::allow_comments},
        {"allow_duet", &PostInput::allow_duet},
        {"allow_stitch", &PostInput::allow_stitch},
        {"auto_music", &PostInput::auto_music},
        {"brand_organic", &PostInput::brand_organic},
        {"brand_content", &PostInput::brand_content},
        {"aigc", &PostInput::aigc},
        {"cover_index", &PostInput::cover_index},
        {"cover_ms", &PostInput::cover_ms},
    };
    return fields;
}

void take_options(PostInput& to, const PostInput& from) {
    for (const auto& f : option_fields()) {
        std::visit(
            [&](auto member) {
                if (from.*member)
                    to.*member = from.*member;
            },
            f.member);
    }
}

PostInput with_defaults(PostInput in, const PostInput& d) {
    fill(in.account, d.account);
    if (!in.video && in.photos.empty()) {
        in.video = d.video;
        in.photos = d.photos;
    }
    for (const auto& f : option_fields())
        std::visit([&](auto member) { fill(in.*member, d.*member); }, f.member);
    // A key names one post: a default key for every line would make them all one post.
    return in;
}

const std::vector<std::string>& field_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n = {"account", "video", "photo"};
        for (const auto& f : option_fields())
            n.emplace_back(f.name);
        n.emplace_back("key");
        return n;
    }();
    return names;
}

std::vector<PostInput> parse_jsonl(std::string_view text, const fs::path& base,
                                   std::vector<LineError>& errors) {
    std::vector<PostInput> out;
    std::size_t line = 0;
    std::size_t pos = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        pos = 3;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        std::string_view raw = text.substr(pos, end == std::string_view::npos ? end : end - pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
        ++line;
        if (util::trim(raw).empty())
            continue;
        json j;
        try {
            j = json::parse(raw);
        } catch (const json::parse_error& e) {
            std::string why = e.what();
            auto at = why.find("syntax error");
            errors.push_back({line, fmt::format("not valid JSON ({})",
                                                at == std::string::npos ? why : why.substr(at))});
            continue;
        }
        if (!j.is_object()) {
            errors.push_back(
                {line, fmt::format("expected a JSON object, found {}", j.type_name())});
            continue;
        }
        PostInput in;
        in.line = line;
        try {
            for (const auto& [name, value] : j.items())
                set_json(in, name, value, base);
        } catch (const BadField& e) {
            errors.push_back({line, e.what()});
            continue;
        }
        out.push_back(std::move(in));
    }
    return out;
}

std::vector<PostInput> parse_csv_posts(std::string_view text, const fs::path& base,
                                       std::vector<LineError>& errors) {
    auto records = util::parse_csv(text);
    if (!records) {
        errors.push_back({records.error().line, records.error().message});
        return {};
    }
    std::vector<PostInput> out;
    if (records->empty())
        return out;
    const auto& header = records->front();
    std::vector<std::string> names;
    for (const auto& h : header.fields) {
        std::string name = util::to_lower(util::trim(h));
        try {
            check_name(name);
        } catch (const BadField& e) {
            errors.push_back({header.line, fmt::format("header: {}", e.what())});
            return {};
        }
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            errors.push_back({header.line, fmt::format("header: column \"{}\" twice", name)});
            return {};
        }
        names.push_back(name);
    }
    for (std::size_t r = 1; r < records->size(); ++r) {
        const auto& rec = (*records)[r];
        if (rec.fields.size() != names.size()) {
            errors.push_back({rec.line, fmt::format("{} fields where the header has {}",
                                                    rec.fields.size(), names.size())});
            continue;
        }
        PostInput in;
        in.line = rec.line;
        try {
            for (std::size_t i = 0; i < names.size(); ++i)
                set_text(in, names[i], rec.fields[i], base);
        } catch (const BadField& e) {
            errors.push_back({rec.line, e.what()});
            continue;
        }
        out.push_back(std::move(in));
    }
    return out;
}

} // namespace looppost::queue
