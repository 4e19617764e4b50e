build-asan-fault/src/import/frontmatter.o: src/import/frontmatter.c \
 src/import/import.h src/store/store.h src/util/arena.h src/util/buf.h \
 src/util/str.h
src/import/import.h:
src/store/store.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
