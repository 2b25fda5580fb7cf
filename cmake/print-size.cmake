# cmake -DFILE=path -P print-size.cmake: prints a binary's size in bytes.
file(SIZE "${FILE}" _size)
message("keel size: ${_size} bytes (${FILE})")
