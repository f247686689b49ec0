package render

// BuiltinCasts lets the external tests check builtinCasts against pg_cast.
var BuiltinCasts = builtinCasts
