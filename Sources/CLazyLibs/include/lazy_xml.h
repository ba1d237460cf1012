#ifndef PREP_LAZY_XML_H
#define PREP_LAZY_XML_H
/*
 * The part of libxml2 prep uses, behind opaque pointers (libxml2 is loaded on first use, see
 * lazy_libs.h; its headers are only needed to build this target). A document is parsed whole
 * with network access off and no DTD loading, and walked node by node.
 */
#include <stddef.h>

typedef struct prep_xml_node prep_xml_node;   /* an xmlNode or xmlAttr */

enum { PREP_XML_OTHER = 0, PREP_XML_ELEMENT = 1, PREP_XML_TEXT = 2 /* text or CDATA */ };

/* Parses `size` bytes (`name` is the document's name in libxml2's messages). NULL when the
 * bytes are not well-formed XML: `message` (`message_size` bytes) then holds libxml2's reason
 * and `*line` its line (0 when unknown). */
void *prep_xml_read(const char *bytes, int size, const char *name, char *message, size_t message_size, int *line);
void prep_xml_free_doc(void *doc);
/* The root element, NULL for none. */
const prep_xml_node *prep_xml_root(void *doc);

int prep_xml_kind(const prep_xml_node *node);
const char *prep_xml_name(const prep_xml_node *node);         /* element or attribute name */
const char *prep_xml_content(const prep_xml_node *node);      /* a text node's text (may be NULL) */
long prep_xml_line(const prep_xml_node *node);
const prep_xml_node *prep_xml_first_child(const prep_xml_node *node);
const prep_xml_node *prep_xml_first_attribute(const prep_xml_node *element);
const prep_xml_node *prep_xml_next(const prep_xml_node *node); /* next sibling (or attribute) */
/* An attribute's value (entities resolved), to be released with prep_xml_free; NULL when empty. */
char *prep_xml_attribute_value(const prep_xml_node *attribute);
void prep_xml_free(void *p);

/* The libxml2 version prep was built against ("2.9.14"), after checking the loaded one. */
const char *prep_xml_version(void);

#endif
