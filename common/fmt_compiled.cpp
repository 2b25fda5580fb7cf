// fmt's compiled part: the functions that fmt's headers declare and leave to one translation unit
// (vformat_to, format_error, the locale helpers), which fmt's own library build would provide.
// keel compiles fmt from Debian's headers for every target (its compiled library is glibc's), so
// this file stands in for that library; common/logging.hpp explains why fmt is not header-only.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
// Templates that format.h calls for char and leaves to the library to instantiate.
template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl<char>(locale_ref) -> char;
}  // namespace detail
FMT_END_NAMESPACE
