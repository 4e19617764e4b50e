build-asan/src/main.o: src/main.c src/cmd/cmd.h src/store/fault.h
src/cmd/cmd.h:
src/store/fault.h:
