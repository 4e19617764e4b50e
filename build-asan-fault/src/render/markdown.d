build-asan-fault/src/render/markdown.o: src/render/markdown.c \
 src/render/markdown.h src/render/esc.h src/util/buf.h src/util/str.h \
 src/util/xalloc.h
src/render/markdown.h:
src/render/esc.h:
src/util/buf.h:
src/util/str.h:
src/util/xalloc.h:
