/* tmpl-int.h: the HTML context tracker tmpl.c compiles templates with.
 *
 * The tracker follows a template's literal text through a cut-down HTML5
 * tokenizer, so that at each template tag the compiler knows where the tag
 * stands (text, which attribute, <script>…) and picks the escaping. Where
 * the real tokenizer and this one could disagree, this one errs towards a
 * state in which values are refused, never towards a laxer escaping.
 * It lives in its own file because it is the part that must be right. */
#ifndef GAZETTE_TMPL_INT_H
#define GAZETTE_TMPL_INT_H

#include <stdbool.h>
#include <stddef.h>

enum hstate {
	HS_DATA = 0,	 /* text between tags */
	HS_RCDATA,	 /* text of <title>, <textarea> */
	HS_RAWTEXT,	 /* <script>, <style> */
	HS_TAG_OPEN,	 /* just after '<' */
	HS_END_TAG_OPEN, /* just after "</" */
	HS_TAG_NAME,
	HS_BEFORE_ATTR, /* between attributes */
	HS_ATTR_NAME,
	HS_AFTER_ATTR_NAME,
	HS_BEFORE_VALUE, /* after '=' */
	HS_DQ,		 /* "value" */
	HS_SQ,		 /* 'value' */
	HS_UNQ,		 /* value */
	HS_MARKUP,	 /* "<!" */
	HS_MARKUP_DASH,	 /* "<!-" */
	HS_COMMENT,	 /* <!-- … --> */
	HS_BOGUS,	 /* <!…>, <?…> */
	HS__MAX
};

enum helem {
	HE_OTHER = 0,
	HE_SCRIPT,
	HE_STYLE,
	HE_TITLE,
	HE_TEXTAREA,
	HE__MAX
};

enum hattr {
	HA_PLAIN = 0,
	HA_URL,	   /* href, src, … */
	HA_SRCSET, /* a list of URLs: each one starts a URL again */
	HA_UNSAFE, /* on*, style, srcdoc: no escaping makes a value safe */
	HA_TYPE,   /* type of a <script>, decides whether it is JSON */
	HA__MAX
};

/* The escaping a variable gets, decided at compile time. */
enum tctx {
	TC_HTML = 0, /* text: esc_html, and {{{x}}} may be raw */
	TC_RCDATA,   /* <title>, <textarea>: esc_html, never raw */
	TC_ATTR,     /* quoted attribute value: esc_attr */
	TC_URL,	     /* start of a URL attribute: esc_url */
	TC_URL_ARG,  /* later in a URL attribute: esc_url_arg */
	TC_JSON,     /* <script type="application/ld+json">: esc_json */
	TC_XML,	     /* .xml templates: esc_xml */
	TC__MAX
};

struct hctx {
	enum hstate st;
	enum helem  el; /* element of the tag or raw text we are in */
	enum hattr  at; /* kind of the attribute whose value we are in */
	bool	    endtag;
	bool	    json;     /* this <script> is application/ld+json */
	bool	    urlstart; /* URL value holds nothing but spaces yet */
	bool	    typeseen; /* a type attribute was seen on this tag */
	bool	    typebad;  /* its value is unknown or repeated */
	int	    ambig;    /* see hctx_sect_close() */
	int	    dashes;   /* '-' run in a comment, for "-->" */
	size_t	    namelen;
	char	    name[16]; /* tag or attribute name, lowercase */
	size_t	    typelen;
	char	    type[32];
};

void hctx_init(struct hctx *);
/* Follows literal text s[0..n). more says a template tag follows it. On a
 * problem returns what is wrong and sets *off to the offending byte. */
const char *hctx_feed(struct hctx *, const char *s, size_t n, bool more,
    size_t *off);
/* For a variable here: NULL and *tc set, or why no escaping is safe. */
const char *hctx_var(struct hctx *, enum tctx *tc);
/* At a section's start: NULL if a section may open here, else why not. */
const char *hctx_sect_open(struct hctx *);
/* At a section's end: checks that h (the end) agrees with begin, merges
 * the two into h, and returns NULL, or why they disagree. */
const char *hctx_sect_close(struct hctx *h, const struct hctx *begin);
/* At a partial: NULL if one may be included here (only in HTML text). */
const char *hctx_partial(const struct hctx *);
/* A short description of where h is, for error messages. */
const char *hctx_where(const struct hctx *);

#endif
