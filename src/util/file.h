/* file.h: how gazette creates the files that hold a site's data.
 *
 * A SQLite database (and its -wal, -shm and -journal, which SQLite gives
 * the database file's mode), a backup and an export hold password hashes,
 * keys and commenters' emails, so each is created readable and writable
 * by its owner alone: FILE_MODE_PRIVATE, less whatever the process umask
 * takes away (a stricter umask is honoured). A file that exists already
 * keeps its mode: the operator may have opened it to a group on purpose
 * (`gazette check` reports one that other users can read). */
#ifndef GAZETTE_FILE_H
#define GAZETTE_FILE_H

#define FILE_MODE_PRIVATE 0600
#define DIR_MODE_PRIVATE  0700

/* Creates path, empty, with FILE_MODE_PRIVATE when nothing is there; does
 * nothing to a file that exists. 0 when path exists afterwards, else -1
 * with errno (the directory is missing or not writable). */
int file_create_private(const char *path);

#endif
