#pragma once
// How a post is shown: the JSON object of DESIGN §2 (the public contract) and the human lines.

#include <looppost/queue/enqueue.hpp>
#include <looppost/store/db.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace looppost::cli {

/// {id, account, kind, mode, state, due_at, caption, title, privacy, options, key, publish_id,
/// post_ids, error, media}; TikTok's ids as strings, absent values null.
nlohmann::json post_json(const store::PostRow& p);

/// A stored media file: {sha256, bytes, mime, width, height, duration_ms}.
nlohmann::json media_json(const store::MediaRow& m);

/// An entry of the audit trail: {at, kind, detail}.
nlohmann::json event_json(const store::EventRow& e);

/// The same shape for a post a dry run would store (id null), with each media file's original
/// and the changes normalising made.
nlohmann::json planned_post_json(const queue::Enqueued& e);

/// `due` in the account's zone for people: "2026-11-24 18:00 CET".
std::string local_time(std::int64_t utc, const std::optional<std::string>& zone);

/// The first `max` characters of a caption on one line (newlines shown as " ⏎ ").
std::string caption_start(const std::string& caption, std::size_t max);

} // namespace looppost::cli
