# One place for compiler flags shared by every target of the project.
add_library(onyxrt_flags INTERFACE)
# -Wrestrict: g++ 12 at -O3 reports impossible overlaps inside std::string concatenation (a known
# false positive of that release); it would fail -Werror builds on correct code.
target_compile_options(onyxrt_flags INTERFACE -Wall -Wextra -Wno-unused-parameter -Wno-restrict)
if(ONYXRT_WERROR)
  target_compile_options(onyxrt_flags INTERFACE -Werror)
endif()
if(ONYXRT_SANITIZE)
  target_compile_options(onyxrt_flags INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(onyxrt_flags INTERFACE -fsanitize=address,undefined)
endif()
