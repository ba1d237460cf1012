// The extern "C" side of CClipper.h: one ClipperOffset call, results copied into plain C arrays.
#include "CClipper.h"
#include <polyclipping/clipper.hpp>
#include <cstdlib>

extern "C" int prep_clipper_offset(const int64_t *xy, int32_t n, double delta, double miter_limit,
                                   double arc_tolerance, prep_clipper_paths *out) {
    out->xy = nullptr; out->counts = nullptr; out->paths = 0;
    try {
        ClipperLib::Path path;
        path.reserve(n > 0 ? n : 0);
        for (int32_t i = 0; i < n; i++) path.push_back(ClipperLib::IntPoint(xy[2 * i], xy[2 * i + 1]));
        ClipperLib::ClipperOffset offset(miter_limit, arc_tolerance);
        offset.AddPath(path, ClipperLib::jtRound, ClipperLib::etClosedPolygon);
        ClipperLib::Paths result;
        offset.Execute(result, delta);
        size_t total = 0;
        for (const auto &p : result) total += p.size();
        out->counts = (int32_t *)std::malloc(sizeof(int32_t) * (result.size() ? result.size() : 1));
        out->xy = (int64_t *)std::malloc(sizeof(int64_t) * 2 * (total ? total : 1));
        if (!out->counts || !out->xy) { prep_clipper_free(out); return -1; }
        size_t k = 0;
        for (size_t i = 0; i < result.size(); i++) {
            out->counts[i] = (int32_t)result[i].size();
            for (const auto &pt : result[i]) { out->xy[k++] = pt.X; out->xy[k++] = pt.Y; }
        }
        out->paths = (int32_t)result.size();
        return 0;
    } catch (...) {
        prep_clipper_free(out);
        return -1;
    }
}

extern "C" void prep_clipper_free(prep_clipper_paths *paths) {
    std::free(paths->xy); std::free(paths->counts);
    paths->xy = nullptr; paths->counts = nullptr; paths->paths = 0;
}
