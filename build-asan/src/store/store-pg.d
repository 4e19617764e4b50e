build-asan/src/store/store-pg.o: src/store/store-pg.c \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h src/store/store-int.h \
 src/store/store.h src/util/xalloc.h
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
src/store/store-int.h:
src/store/store.h:
src/util/xalloc.h:
