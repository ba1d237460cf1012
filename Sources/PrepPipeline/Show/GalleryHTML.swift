import Foundation
import PrepCore

/// The HTML of `prep show`: self-contained pages (inline CSS), escaped text, links between the
/// anomaly list and the items.
struct GalleryHTML {
    let title: String
    let pageCount: Int

    static func pageFile(_ p: Int) -> String { String(format: "page-%04d.html", p + 1) }

    private static let cwd = FileManager.default.currentDirectoryPath + "/"

    /// A location as a person gave it: relative to the working directory when under it.
    static func shown(_ p: RecordPosition) -> String {
        let l = p.location
        return l.hasPrefix(cwd) ? String(l.dropFirst(cwd.count)) : l
    }

    static func esc(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private let style = """
    body{font-family:sans-serif;margin:1em;background:#fafafa;color:#222}
    .item{display:inline-block;vertical-align:top;margin:6px;padding:6px;background:#fff;border:1px solid #ddd;max-width:660px}
    .item img{display:block;max-width:100%}
    .missing{width:200px;height:60px;background:#eee;color:#a00;display:flex;align-items:center;justify-content:center}
    .error{color:#b00}.warning{color:#a60}.ignored{color:#888;text-decoration:line-through}
    table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
    nav a{margin-right:.5em}
    """

    /// Counts loaded images into `data-images-loaded` on <body> (what the browser test reads).
    private let counter = """
    <script>window.addEventListener('load',function(){var n=0;for(const i of document.images){if(i.complete&&i.naturalWidth>0)n++;}document.body.setAttribute('data-images-loaded',String(n));});</script>
    """

    func nav(_ current: Int?) -> String {
        var links = ["<a href=\"index.html\">summary</a>"]
        for p in 0..<pageCount {
            links.append(p == current ? "<b>\(p + 1)</b>" : "<a href=\"\(GalleryHTML.pageFile(p))\">\(p + 1)</a>")
        }
        return "<nav>" + links.joined(separator: " ") + "</nav>"
    }

    func document(_ heading: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(GalleryHTML.esc(heading))</title><style>\(style)</style></head>
        <body>
        \(body)
        \(counter)
        </body></html>

        """
    }

    func page(number: Int, body: String) -> String {
        document("prep show: \(title) (\(number + 1)/\(pageCount))",
                 "<h1>\(GalleryHTML.esc(title)) — page \(number + 1) of \(pageCount)</h1>\n\(nav(number))\n\(body)\n\(nav(number))")
    }

    func item(_ item: Gallery.Item, id: Int, thumb: String?) -> String {
        var h = "<div class=\"item\" id=\"item-\(id)\">"
        h += "<div><b>\(GalleryHTML.esc(item.name))</b> <small>\(GalleryHTML.esc(GalleryHTML.shown(item.position)))</small></div>"
        if let thumb {
            h += "<img src=\"\(thumb)\" alt=\"\(GalleryHTML.esc(item.name))\">"
        } else {
            h += "<div class=\"missing\">image not shown (missing or unreadable)</div>"
        }
        if let label = item.label { h += "<div>label: <code>\(GalleryHTML.esc(label))</code></div>" }
        if !item.instances.isEmpty {
            h += "<table><tr><th>#</th><th>text</th></tr>"
            for (k, inst) in item.instances.enumerated() {
                let text = inst.text.map(GalleryHTML.esc) ?? "<i>no text</i>"
                h += "<tr\(inst.ignore ? " class=\"ignored\"" : "")><td>\(k + 1)</td><td>\(text)\(inst.ignore ? " (ignored)" : "")</td></tr>"
            }
            h += "</table>"
        }
        for a in item.anomalies {
            h += "<div class=\"\(a.severity.rawValue)\">\(a.severity.rawValue) <b>\(a.kind.rawValue)</b> \(GalleryHTML.esc(a.position.location)): \(GalleryHTML.esc(a.message))</div>"
        }
        return h + "</div>"
    }

    func index(validator: Validator, result: Gallery.Result, itemPage: [String: (page: Int, id: Int)],
               only: Gallery.Filter?) -> String {
        var b = "<h1>prep show: \(GalleryHTML.esc(title))</h1>\n\(nav(nil))\n"
        b += "<p id=\"counts\"><span id=\"items\">\(result.items)</span> items shown, <span id=\"instances\">\(result.instances)</span> instances, "
        b += "<span id=\"errors\" class=\"error\">\(result.errors)</span> errors, <span id=\"warnings\" class=\"warning\">\(result.warnings)</span> warnings"
        switch only {
        case let .anomaly(kind)?: b += " — only items with <b>\(kind.rawValue)</b>"
        case let .names(names, file)?: b += " — only the \(names.count) images listed in <b>\(GalleryHTML.esc(file))</b>"
        case nil: break
        }
        b += "</p>\n<p>Polygons: <span style=\"color:#3c3\">solid green</span> = text, <span style=\"color:#e22\">dashed red</span> = ignored (do not care).</p>\n"
        b += "<table><tr><th>split</th><th>images</th><th>instances</th><th>ignored</th><th>labels</th></tr>"
        for s in validator.splits {
            b += "<tr><td>\(GalleryHTML.esc(s.split))</td><td>\(s.images)</td><td>\(s.instances)</td><td>\(s.ignored)</td><td>\(s.labels)</td></tr>"
        }
        b += "</table>\n<h2>Anomalies</h2>\n<table><tr><th>severity</th><th>type</th><th>where</th><th>item</th><th>message</th></tr>"
        for a in validator.anomalies {
            var where_ = GalleryHTML.esc(a.position.item)
            if let img = a.image, let at = itemPage[img] {
                where_ = "<a href=\"\(GalleryHTML.pageFile(at.page))#item-\(at.id)\">\(GalleryHTML.esc(img))</a>"
            }
            b += "<tr class=\"\(a.severity.rawValue)\"><td>\(a.severity.rawValue)</td><td>\(a.kind.rawValue)</td><td>\(GalleryHTML.esc(a.position.location))</td><td>\(where_)</td><td>\(GalleryHTML.esc(a.message))</td></tr>"
        }
        b += "</table>"
        return document("prep show: \(title)", b)
    }
}
