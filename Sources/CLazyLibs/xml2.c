/* See include/lazy_xml.h: libxml2 through its own headers, each function resolved on first use. */
#include "hidden_begin.h"
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include "forward.h"
#include "lazy_xml.h"

#define L PREP_LIB_XML2
PREP_FORWARD_VOID(L, xmlCheckVersion, (int version), (version))
PREP_FORWARD_VOID(L, xmlInitParser, (void), ())
PREP_FORWARD(L, xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *doc), (doc))
PREP_FORWARD_VOID(L, xmlFreeDoc, (xmlDocPtr cur), (cur))
PREP_FORWARD(L, xmlErrorPtr, xmlGetLastError, (void), ())
PREP_FORWARD(L, long, xmlGetLineNo, (const xmlNode *node), (node))
PREP_FORWARD(L, xmlChar *, xmlNodeListGetString, (xmlDocPtr doc, const xmlNode *list, int inLine), (doc, list, inLine))
PREP_FORWARD(L, xmlDocPtr, xmlReadMemory, (const char *buffer, int size, const char *URL, const char *encoding, int options),
             (buffer, size, URL, encoding, options))
PREP_FORWARD_VOID(L, xmlResetLastError, (void), ())

/* xmlInitParser once, before any thread parses (libxml2 2.9 initialises lazily, not safely). */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_parser(void) { xmlInitParser(); }

void *prep_xml_read(const char *bytes, int size, const char *name, char *message, size_t message_size, int *line) {
    pthread_once(&init_once, init_parser);
    xmlResetLastError();
    xmlDocPtr doc = xmlReadMemory(bytes, size, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        xmlErrorPtr err = xmlGetLastError();
        *line = err ? err->line : 0;
        snprintf(message, message_size, "%s", err && err->message ? err->message : "");
    }
    return doc;
}

void prep_xml_free_doc(void *doc) { xmlFreeDoc((xmlDocPtr)doc); }

const prep_xml_node *prep_xml_root(void *doc) { return (const prep_xml_node *)xmlDocGetRootElement((xmlDocPtr)doc); }

int prep_xml_kind(const prep_xml_node *node) {
    switch (((const xmlNode *)node)->type) {
    case XML_ELEMENT_NODE: return PREP_XML_ELEMENT;
    case XML_TEXT_NODE: case XML_CDATA_SECTION_NODE: return PREP_XML_TEXT;
    default: return PREP_XML_OTHER;
    }
}

/* xmlNode and xmlAttr begin alike (_private, type, name, children, last, parent, next). */
const char *prep_xml_name(const prep_xml_node *node) { return (const char *)((const xmlNode *)node)->name; }
const char *prep_xml_content(const prep_xml_node *node) { return (const char *)((const xmlNode *)node)->content; }
long prep_xml_line(const prep_xml_node *node) { return xmlGetLineNo((const xmlNode *)node); }
const prep_xml_node *prep_xml_first_child(const prep_xml_node *node) { return (const prep_xml_node *)((const xmlNode *)node)->children; }
const prep_xml_node *prep_xml_first_attribute(const prep_xml_node *element) {
    return (const prep_xml_node *)((const xmlNode *)element)->properties;
}
const prep_xml_node *prep_xml_next(const prep_xml_node *node) { return (const prep_xml_node *)((const xmlNode *)node)->next; }

char *prep_xml_attribute_value(const prep_xml_node *attribute) {
    const xmlAttr *a = (const xmlAttr *)attribute;
    return (char *)xmlNodeListGetString(a->doc, a->children, 1);
}

/* xmlFree is a variable (a function pointer) in libxml2. */
void prep_xml_free(void *p) {
    xmlFreeFunc *freeFunction = (xmlFreeFunc *)prep_lazy_symbol(L, "xmlFree");
    (*freeFunction)(p);
}

const char *prep_xml_version(void) {
    xmlCheckVersion(LIBXML_VERSION);
    return LIBXML_DOTTED_VERSION;
}
