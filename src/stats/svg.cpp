// The SVG chart of `stats --svg`: one self-contained file, no scripts or external references,
// readable in a browser and in any SVG editor.

#include <algorithm>
#include <fmt/format.h>
#include <looppost/stats/stats.hpp>
#include <set>

namespace looppost::stats {
namespace {

constexpr double k_width = 880, k_height = 420;
constexpr double k_left = 80, k_right = 200, k_top = 50, k_bottom = 60;
constexpr const char* k_colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                     "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

/// A round step for about `ticks` ticks up to `top`.
std::int64_t nice_step(std::int64_t top, int ticks) {
    std::int64_t raw = std::max<std::int64_t>(1, (top + ticks - 1) / ticks);
    std::int64_t magnitude = 1;
    while (magnitude * 10 <= raw)
        magnitude *= 10;
    for (std::int64_t m : {1, 2, 5, 10}) {
        if (m * magnitude >= raw)
            return m * magnitude;
    }
    return 10 * magnitude;
}

} // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            // XML 1.0 allows no control characters besides tab and line breaks.
            if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                out += c;
        }
    }
    return out;
}

std::string render_svg(std::string_view title, std::string_view y_label,
                       const std::vector<SvgLine>& lines) {
    std::set<std::string> day_set;
    std::int64_t top = 0;
    for (const auto& l : lines) {
        for (const auto& p : l.points) {
            day_set.insert(p.day);
            top = std::max(top, p.value);
        }
    }
    std::vector<std::string> days(day_set.begin(), day_set.end());
    std::int64_t step = nice_step(std::max<std::int64_t>(top, 1), 5);
    std::int64_t y_max = ((std::max<std::int64_t>(top, 1) + step - 1) / step) * step;
    double plot_w = k_width - k_left - k_right, plot_h = k_height - k_top - k_bottom;
    int span = days.size() > 1 ? days_between(days.front(), days.back()) : 0;
    auto x_of = [&](const std::string& day) {
        if (span == 0)
            return k_left + plot_w / 2;
        return k_left + plot_w * days_between(days.front(), day) / span;
    };
    auto y_of = [&](std::int64_t v) {
        return k_top + plot_h - plot_h * static_cast<double>(v) / static_cast<double>(y_max);
    };

    std::string out;
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                       "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n",
                       k_width, k_height);
    out += fmt::format("<title>{}</title>\n", xml_escape(title));
    out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
                       k_width, k_height);
    out += fmt::format("<text x=\"{}\" y=\"28\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
                       k_left, xml_escape(title));
    // Axes, value grid and labels.
    out += "<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n";
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", k_left, k_top,
                       k_top + plot_h);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", k_left,
                       k_top + plot_h, k_left + plot_w);
    out += "</g>\n<g class=\"y-ticks\" fill=\"#333333\" text-anchor=\"end\">\n";
    for (std::int64_t v = 0; v <= y_max; v += step) {
        double y = y_of(v);
        out += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" "
                           "stroke=\"#dddddd\"/>\n",
                           k_left, y, k_left + plot_w, y);
        out += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", k_left - 6, y + 4, v);
    }
    out += "</g>\n<g class=\"x-ticks\" fill=\"#333333\" text-anchor=\"middle\">\n";
    std::size_t every = std::max<std::size_t>(1, (days.size() + 5) / 6);
    for (std::size_t i = 0; i < days.size(); i += every) {
        double x = x_of(days[i]);
        out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" "
                           "stroke=\"#333333\"/>\n",
                           x, k_top + plot_h, k_top + plot_h + 5);
        out +=
            fmt::format("<text x=\"{:.1f}\" y=\"{}\">{}</text>\n", x, k_top + plot_h + 20, days[i]);
    }
    out += "</g>\n";
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">day</text>\n",
                       k_left + plot_w / 2, k_height - 12);
    out += fmt::format("<text x=\"18\" y=\"{0}\" text-anchor=\"middle\" "
                       "transform=\"rotate(-90 18 {0})\">{1}</text>\n",
                       k_top + plot_h / 2, xml_escape(y_label));
    // The data: a polyline and the points themselves, each with its value as a tooltip.
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        const char* colour = k_colours[i % std::size(k_colours)];
        out += fmt::format("<g class=\"series\" data-label=\"{}\">\n", xml_escape(l.label));
        std::string pts;
        for (const auto& p : l.points)
            pts +=
                fmt::format("{}{:.1f},{:.1f}", pts.empty() ? "" : " ", x_of(p.day), y_of(p.value));
        if (l.points.size() > 1)
            out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
                               "points=\"{}\"/>\n",
                               colour, pts);
        for (const auto& p : l.points)
            out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" "
                               "data-day=\"{}\" data-value=\"{}\"><title>{}: {}</title></circle>\n",
                               x_of(p.day), y_of(p.value), colour, p.day, p.value, p.day, p.value);
        double ly = k_top + 10 + 20 * static_cast<double>(i);
        out += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                           k_left + plot_w + 16, ly - 10, colour);
        // A long label is cut, never inside a UTF-8 sequence.
        std::string label = l.label;
        if (l.label.size() > 24) {
            std::size_t cut = 23;
            while (cut > 0 && (static_cast<unsigned char>(l.label[cut]) & 0xC0) == 0x80)
                --cut;
            label = l.label.substr(0, cut) + "…";
        }
        out += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", k_left + plot_w + 34, ly,
                           xml_escape(label));
        out += "</g>\n";
    }
    if (days.empty())
        out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no snapshots in this "
                           "window</text>\n",
                           k_left + plot_w / 2, k_top + plot_h / 2);
    out += "</svg>\n";
    return out;
}

} // namespace looppost::stats
