#include <libxml/xmlversion.h>
/* libxml2's ICU headers clash with Foundation's ("'UErrorCode' has different definitions"). */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

/* xmlFree is a C global function pointer, which Swift cannot call directly. */
static inline void prep_xml_free(void *p) { xmlFree(p); }
