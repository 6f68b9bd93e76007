# duplex_embed_files(<output.inc> <file>...)
#
# Generates a C++ include with one `{"<name>", R"...(<content>)..."}` entry
# per file (name = file name without extension), so bundled models and
# devices are compiled into the tools and found wherever they run. The
# include is regenerated whenever a listed file changes.
function(duplex_embed_files output)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} "-DFILES=${files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/DuplexEmbedScript.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/DuplexEmbedScript.cmake
    COMMENT "Embedding ${output}"
    VERBATIM)
endfunction()
