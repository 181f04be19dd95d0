//! Every ES|QL function and aggregation as a typed constructor, defined by one table per
//! family: the Rust name, its arguments and the ES|QL name. Arguments take any
//! [`IntoExpr`] — a column ([`col`](super::col)), another function, or a Rust value, which
//! is sent as a parameter. Optional trailing arguments have a second constructor
//! (`round` / `round_with`); lists of arguments take an iterator of [`Expr`].
//!
//! ```
//! use es_dsl::esql::{col, f, param, span, TimeUnit};
//! assert_eq!(f::round_with(f::avg(col("bytes")), 2).to_string(), "ROUND(AVG(bytes), ?)");
//! assert_eq!(
//!     f::bucket(col("@timestamp"), span(1, TimeUnit::Hours)).to_string(),
//!     "BUCKET(@timestamp, 1 hours)"
//! );
//! assert_eq!(f::concat([col("a"), param("-"), col("b")]).to_string(), "CONCAT(a, ?, b)");
//! assert_eq!(f::ALL.len(), f::ALL.iter().collect::<std::collections::BTreeSet<_>>().len());
//! ```

#![allow(clippy::too_many_arguments)]

use super::expr::{Expr, IntoExpr};

macro_rules! family {
    ($family:ident: $($(#[$doc:meta])* $name:ident($($arg:ident),*) $([..$rest:ident])? => $esql:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $name($($arg: impl IntoExpr,)* $($rest: impl IntoIterator<Item = Expr>)?) -> Expr {
                #[allow(unused_mut)]
                let mut args: Vec<Expr> = vec![$($arg.into_expr()),*];
                $(args.extend($rest);)?
                Expr::call($esql, args)
            }
        )*
        /// The Rust names of this family's constructors, with the ES|QL function each calls.
        pub const $family: &[(&str, &str)] = &[$((stringify!($name), $esql)),*];
    };
}

family! { AGGREGATE:
    /// `ABSENT(field)`: no non-null value in the group.
    absent(field) => "ABSENT";
    /// `ALL_FIRST(value, sort)`: the earliest value, nulls included.
    all_first(value, sort) => "ALL_FIRST";
    /// `ALL_LAST(value, sort)`: the latest value, nulls included.
    all_last(value, sort) => "ALL_LAST";
    /// `AVG(number)`.
    avg(number) => "AVG";
    /// `COUNT(field)`: the number of values ([`count_all`] for rows).
    count(field) => "COUNT";
    /// `COUNT_DISTINCT(field)` (approximate).
    count_distinct(field) => "COUNT_DISTINCT";
    /// `COUNT_DISTINCT(field, precision)`.
    count_distinct_with(field, precision) => "COUNT_DISTINCT";
    /// `FIRST(value, sort)`: the earliest value.
    first(value, sort) => "FIRST";
    /// `LAST(value, sort)`: the latest value.
    last(value, sort) => "LAST";
    /// `MAX(field)`.
    max(field) => "MAX";
    /// `MEDIAN(number)`.
    median(number) => "MEDIAN";
    /// `MEDIAN_ABSOLUTE_DEVIATION(number)`.
    median_absolute_deviation(number) => "MEDIAN_ABSOLUTE_DEVIATION";
    /// `MIN(field)`.
    min(field) => "MIN";
    /// `PERCENTILE(number, percentile)`.
    percentile(number, percentile) => "PERCENTILE";
    /// `PRESENT(field)`: some non-null value in the group.
    present(field) => "PRESENT";
    /// `SAMPLE(field, limit)`: sample values.
    sample(field, limit) => "SAMPLE";
    /// `ST_CENTROID_AGG(field)`: spatial centroid.
    st_centroid_agg(field) => "ST_CENTROID_AGG";
    /// `ST_EXTENT_AGG(field)`: bounding box.
    st_extent_agg(field) => "ST_EXTENT_AGG";
    /// `STD_DEV(number)`: population standard deviation.
    std_dev(number) => "STD_DEV";
    /// `SUM(number)`.
    sum(number) => "SUM";
    /// `TOP(field, limit, order)`: the top values (`"asc"` / `"desc"`).
    top(field, limit, order) => "TOP";
    /// `TOP(field, limit, order, output_field)`.
    top_with(field, limit, order, output_field) => "TOP";
    /// `VALUES(field)`: the distinct values, multi-valued.
    values(field) => "VALUES";
    /// `VARIANCE(number)`: population variance.
    variance(number) => "VARIANCE";
    /// `WEIGHTED_AVG(number, weight)`.
    weighted_avg(number, weight) => "WEIGHTED_AVG";
}

/// `COUNT(*)`: the number of rows.
pub fn count_all() -> Expr {
    Expr::call("COUNT", [super::star()])
}

family! { TIME_SERIES:
    /// `ABSENT_OVER_TIME(field)`.
    absent_over_time(field) => "ABSENT_OVER_TIME";
    /// `ABSENT_OVER_TIME(field, window)`.
    absent_over_time_with(field, window) => "ABSENT_OVER_TIME";
    /// `AVG_OVER_TIME(field)`.
    avg_over_time(field) => "AVG_OVER_TIME";
    /// `AVG_OVER_TIME(field, window)`.
    avg_over_time_with(field, window) => "AVG_OVER_TIME";
    /// `COUNT_OVER_TIME(field)`.
    count_over_time(field) => "COUNT_OVER_TIME";
    /// `COUNT_OVER_TIME(field, window)`.
    count_over_time_with(field, window) => "COUNT_OVER_TIME";
    /// `COUNT_DISTINCT_OVER_TIME(field)`.
    count_distinct_over_time(field) => "COUNT_DISTINCT_OVER_TIME";
    /// `COUNT_DISTINCT_OVER_TIME(field, precision)`.
    count_distinct_over_time_with(field, precision) => "COUNT_DISTINCT_OVER_TIME";
    /// `DELTA(field)`: change of a gauge.
    delta(field) => "DELTA";
    /// `DELTA(field, window)`.
    delta_with(field, window) => "DELTA";
    /// `DERIV(field)`: derivative by linear regression.
    deriv(field) => "DERIV";
    /// `DERIV(field, window)`.
    deriv_with(field, window) => "DERIV";
    /// `FIRST_OVER_TIME(field)`.
    first_over_time(field) => "FIRST_OVER_TIME";
    /// `FIRST_OVER_TIME(field, window)`.
    first_over_time_with(field, window) => "FIRST_OVER_TIME";
    /// `IDELTA(field)`: change between the last two points.
    idelta(field) => "IDELTA";
    /// `IDELTA(field, window)`.
    idelta_with(field, window) => "IDELTA";
    /// `INCREASE(field)`: increase of a counter.
    increase(field) => "INCREASE";
    /// `INCREASE(field, window)`.
    increase_with(field, window) => "INCREASE";
    /// `IRATE(field)`: per-second rate between the last two points.
    irate(field) => "IRATE";
    /// `IRATE(field, window)`.
    irate_with(field, window) => "IRATE";
    /// `LAST_OVER_TIME(field)`.
    last_over_time(field) => "LAST_OVER_TIME";
    /// `LAST_OVER_TIME(field, window)`.
    last_over_time_with(field, window) => "LAST_OVER_TIME";
    /// `MAX_OVER_TIME(field)`.
    max_over_time(field) => "MAX_OVER_TIME";
    /// `MAX_OVER_TIME(field, window)`.
    max_over_time_with(field, window) => "MAX_OVER_TIME";
    /// `MIN_OVER_TIME(field)`.
    min_over_time(field) => "MIN_OVER_TIME";
    /// `MIN_OVER_TIME(field, window)`.
    min_over_time_with(field, window) => "MIN_OVER_TIME";
    /// `PERCENTILE_OVER_TIME(field, percentile)`.
    percentile_over_time(field, percentile) => "PERCENTILE_OVER_TIME";
    /// `PRESENT_OVER_TIME(field)`.
    present_over_time(field) => "PRESENT_OVER_TIME";
    /// `PRESENT_OVER_TIME(field, window)`.
    present_over_time_with(field, window) => "PRESENT_OVER_TIME";
    /// `RATE(field)`: per-second rate of a counter (under `TS`).
    rate(field) => "RATE";
    /// `RATE(field, window)`.
    rate_with(field, window) => "RATE";
    /// `STDDEV_OVER_TIME(field)`.
    stddev_over_time(field) => "STDDEV_OVER_TIME";
    /// `STDDEV_OVER_TIME(field, window)`.
    stddev_over_time_with(field, window) => "STDDEV_OVER_TIME";
    /// `SUM_OVER_TIME(field)`.
    sum_over_time(field) => "SUM_OVER_TIME";
    /// `SUM_OVER_TIME(field, window)`.
    sum_over_time_with(field, window) => "SUM_OVER_TIME";
    /// `VARIANCE_OVER_TIME(field)`.
    variance_over_time(field) => "VARIANCE_OVER_TIME";
    /// `VARIANCE_OVER_TIME(field, window)`.
    variance_over_time_with(field, window) => "VARIANCE_OVER_TIME";
}

family! { GROUPING:
    /// `BUCKET(field, size)`: buckets of a fixed size (a number or a [`span`](super::span)).
    bucket(field, size) => "BUCKET";
    /// `BUCKET(field, buckets, from, to)`: about `buckets` buckets over a range.
    bucket_range(field, buckets, from, to) => "BUCKET";
    /// `CATEGORIZE(field)`: groups similar text messages.
    categorize(field) => "CATEGORIZE";
    /// `CATEGORIZE(field, options)`.
    categorize_with(field, options) => "CATEGORIZE";
    /// `TBUCKET(size)`: buckets of `@timestamp`.
    tbucket(size) => "TBUCKET";
}

family! { CONDITIONAL:
    /// `CASE(cond1, value1, ..., [default])`.
    case() [..conditions] => "CASE";
    /// `CLAMP(field, min, max)`.
    clamp(field, min, max) => "CLAMP";
    /// `CLAMP_MAX(field, max)`.
    clamp_max(field, max) => "CLAMP_MAX";
    /// `CLAMP_MIN(field, min)`.
    clamp_min(field, min) => "CLAMP_MIN";
    /// `COALESCE(first, rest...)`: the first non-null.
    coalesce(first) [..rest] => "COALESCE";
    /// `GREATEST(first, rest...)`.
    greatest(first) [..rest] => "GREATEST";
    /// `LEAST(first, rest...)`.
    least(first) [..rest] => "LEAST";
}

family! { DATE_TIME:
    /// `DATE_DIFF(unit, start, end)`.
    date_diff(unit, start, end) => "DATE_DIFF";
    /// `DATE_EXTRACT(part, date)` (`"year"`, `"hour_of_day"`...).
    date_extract(part, date) => "DATE_EXTRACT";
    /// `DATE_FORMAT(date)`: ISO format.
    date_format(date) => "DATE_FORMAT";
    /// `DATE_PARSE(pattern, text)`.
    date_parse(pattern, text) => "DATE_PARSE";
    /// `DATE_PARSE(pattern, text, options)` (time zone, locale).
    date_parse_with(pattern, text, options) => "DATE_PARSE";
    /// `DATE_TRUNC(interval, date)`.
    date_trunc(interval, date) => "DATE_TRUNC";
    /// `DAY_NAME(date)`.
    day_name(date) => "DAY_NAME";
    /// `MONTH_NAME(date)`.
    month_name(date) => "MONTH_NAME";
    /// `NOW()`.
    now() => "NOW";
    /// `TRANGE(offset)`: `@timestamp` within `offset` of now.
    trange(offset) => "TRANGE";
    /// `TRANGE(start, end)`.
    trange_between(start, end) => "TRANGE";
}

/// `DATE_FORMAT(format, date)` (ES|QL takes the format first).
pub fn date_format_with(date: impl IntoExpr, format: impl IntoExpr) -> Expr {
    Expr::call("DATE_FORMAT", [format.into_expr(), date.into_expr()])
}

family! { IP:
    /// `CIDR_MATCH(ip, block...)`.
    cidr_match(ip) [..blocks] => "CIDR_MATCH";
    /// `IP_PREFIX(ip, prefix_v4, prefix_v6)`.
    ip_prefix(ip, prefix_length_v4, prefix_length_v6) => "IP_PREFIX";
    /// `NETWORK_DIRECTION(source, destination, internal_networks)`.
    network_direction(source_ip, destination_ip, internal_networks) => "NETWORK_DIRECTION";
}

family! { MATH:
    /// `ABS(number)`.
    abs(number) => "ABS";
    /// `ACOS(number)`.
    acos(number) => "ACOS";
    /// `ASIN(number)`.
    asin(number) => "ASIN";
    /// `ATAN(number)`.
    atan(number) => "ATAN";
    /// `ATAN2(y, x)`.
    atan2(y, x) => "ATAN2";
    /// `CBRT(number)`.
    cbrt(number) => "CBRT";
    /// `CEIL(number)`.
    ceil(number) => "CEIL";
    /// `COPY_SIGN(magnitude, sign)`.
    copy_sign(magnitude, sign) => "COPY_SIGN";
    /// `COS(angle)`.
    cos(angle) => "COS";
    /// `COSH(number)`.
    cosh(number) => "COSH";
    /// `E()`.
    e() => "E";
    /// `EXP(number)`.
    exp(number) => "EXP";
    /// `FLOOR(number)`.
    floor(number) => "FLOOR";
    /// `HYPOT(a, b)`.
    hypot(a, b) => "HYPOT";
    /// `LOG(number)`: natural logarithm.
    log(number) => "LOG";
    /// `LOG(base, number)`.
    log_base(base, number) => "LOG";
    /// `LOG10(number)`.
    log10(number) => "LOG10";
    /// `PI()`.
    pi() => "PI";
    /// `POW(base, exponent)`.
    pow(base, exponent) => "POW";
    /// `ROUND(number)`.
    round(number) => "ROUND";
    /// `ROUND(number, decimals)`.
    round_with(number, decimals) => "ROUND";
    /// `ROUND_TO(field, point...)`.
    round_to(field) [..points] => "ROUND_TO";
    /// `SCALB(d, scale_factor)`.
    scalb(d, scale_factor) => "SCALB";
    /// `SIGNUM(number)`.
    signum(number) => "SIGNUM";
    /// `SIN(angle)`.
    sin(angle) => "SIN";
    /// `SINH(number)`.
    sinh(number) => "SINH";
    /// `SQRT(number)`.
    sqrt(number) => "SQRT";
    /// `TAN(angle)`.
    tan(angle) => "TAN";
    /// `TANH(number)`.
    tanh(number) => "TANH";
    /// `TAU()`.
    tau() => "TAU";
}

family! { SEARCH:
    /// `CHUNK(field)`: text split into chunks.
    chunk(field) => "CHUNK";
    /// `CHUNK(field, settings)`.
    chunk_with(field, settings) => "CHUNK";
    /// `DECAY(value, origin, scale, options)`: a decaying score.
    decay(value, origin, scale, options) => "DECAY";
    /// `KNN(field, query)`: nearest vectors.
    knn(field, query) => "KNN";
    /// `KNN(field, query, options)`.
    knn_with(field, query, options) => "KNN";
    /// `KQL(query)`.
    kql(query) => "KQL";
    /// `KQL(query, options)`.
    kql_with(query, options) => "KQL";
    /// `MATCH(field, query)`.
    match_(field, query) => "MATCH";
    /// `MATCH(field, query, options)`.
    match_with(field, query, options) => "MATCH";
    /// `MATCH_PHRASE(field, query)`.
    match_phrase(field, query) => "MATCH_PHRASE";
    /// `MATCH_PHRASE(field, query, options)`.
    match_phrase_with(field, query, options) => "MATCH_PHRASE";
    /// `MULTI_MATCH(query, field...)`.
    multi_match(query) [..fields] => "MULTI_MATCH";
    /// `QSTR(query)`: a query string query.
    qstr(query) => "QSTR";
    /// `QSTR(query, options)`.
    qstr_with(query, options) => "QSTR";
    /// `SCORE(query)`: the score of full-text functions.
    score(query) => "SCORE";
    /// `TERM(field, term)`.
    term(field, query) => "TERM";
    /// `TEXT_EMBEDDING(text, inference_id)`.
    text_embedding(text, inference_id) => "TEXT_EMBEDDING";
    /// `TOP_SNIPPETS(field, query)`.
    top_snippets(field, query) => "TOP_SNIPPETS";
    /// `TOP_SNIPPETS(field, query, options)`.
    top_snippets_with(field, query, options) => "TOP_SNIPPETS";
}

/// `MULTI_MATCH(query, field..., options)`.
pub fn multi_match_with(
    query: impl IntoExpr,
    fields: impl IntoIterator<Item = Expr>,
    options: super::Options,
) -> Expr {
    let mut args = vec![query.into_expr()];
    args.extend(fields);
    args.push(options.into_expr());
    Expr::call("MULTI_MATCH", args)
}

family! { SPATIAL:
    /// `ST_CONTAINS(a, b)`.
    st_contains(geom_a, geom_b) => "ST_CONTAINS";
    /// `ST_DISJOINT(a, b)`.
    st_disjoint(geom_a, geom_b) => "ST_DISJOINT";
    /// `ST_DISTANCE(a, b)`.
    st_distance(geom_a, geom_b) => "ST_DISTANCE";
    /// `ST_ENVELOPE(geometry)`.
    st_envelope(geometry) => "ST_ENVELOPE";
    /// `ST_GEOHASH(geometry, precision)`.
    st_geohash(geometry, precision) => "ST_GEOHASH";
    /// `ST_GEOHASH(geometry, precision, bounds)`.
    st_geohash_with(geometry, precision, bounds) => "ST_GEOHASH";
    /// `ST_GEOHASH_TO_LONG(grid_id)`.
    st_geohash_to_long(grid_id) => "ST_GEOHASH_TO_LONG";
    /// `ST_GEOHASH_TO_STRING(grid_id)`.
    st_geohash_to_string(grid_id) => "ST_GEOHASH_TO_STRING";
    /// `ST_GEOHEX(geometry, precision)`.
    st_geohex(geometry, precision) => "ST_GEOHEX";
    /// `ST_GEOHEX(geometry, precision, bounds)`.
    st_geohex_with(geometry, precision, bounds) => "ST_GEOHEX";
    /// `ST_GEOHEX_TO_LONG(grid_id)`.
    st_geohex_to_long(grid_id) => "ST_GEOHEX_TO_LONG";
    /// `ST_GEOHEX_TO_STRING(grid_id)`.
    st_geohex_to_string(grid_id) => "ST_GEOHEX_TO_STRING";
    /// `ST_GEOTILE(geometry, precision)`.
    st_geotile(geometry, precision) => "ST_GEOTILE";
    /// `ST_GEOTILE(geometry, precision, bounds)`.
    st_geotile_with(geometry, precision, bounds) => "ST_GEOTILE";
    /// `ST_GEOTILE_TO_LONG(grid_id)`.
    st_geotile_to_long(grid_id) => "ST_GEOTILE_TO_LONG";
    /// `ST_GEOTILE_TO_STRING(grid_id)`.
    st_geotile_to_string(grid_id) => "ST_GEOTILE_TO_STRING";
    /// `ST_INTERSECTS(a, b)`.
    st_intersects(geom_a, geom_b) => "ST_INTERSECTS";
    /// `ST_NPOINTS(geometry)`.
    st_npoints(geometry) => "ST_NPOINTS";
    /// `ST_SIMPLIFY(geometry, tolerance)`.
    st_simplify(geometry, tolerance) => "ST_SIMPLIFY";
    /// `ST_WITHIN(a, b)`.
    st_within(geom_a, geom_b) => "ST_WITHIN";
    /// `ST_X(point)`.
    st_x(point) => "ST_X";
    /// `ST_XMAX(geometry)`.
    st_xmax(geometry) => "ST_XMAX";
    /// `ST_XMIN(geometry)`.
    st_xmin(geometry) => "ST_XMIN";
    /// `ST_Y(point)`.
    st_y(point) => "ST_Y";
    /// `ST_YMAX(geometry)`.
    st_ymax(geometry) => "ST_YMAX";
    /// `ST_YMIN(geometry)`.
    st_ymin(geometry) => "ST_YMIN";
}

family! { STRING:
    /// `BIT_LENGTH(string)`.
    bit_length(string) => "BIT_LENGTH";
    /// `BYTE_LENGTH(string)`.
    byte_length(string) => "BYTE_LENGTH";
    /// `CHICKEN(text)`: ES|QL's ASCII-art chicken saying `text`.
    chicken(text) => "CHICKEN";
    /// `CHICKEN(text, style, width)`.
    chicken_with(text, style, width) => "CHICKEN";
    /// `CONCAT(string...)`.
    concat() [..strings] => "CONCAT";
    /// `CONTAINS(string, substring)`.
    contains(string, substring) => "CONTAINS";
    /// `ENDS_WITH(string, suffix)`.
    ends_with(string, suffix) => "ENDS_WITH";
    /// `FROM_BASE64(string)`.
    from_base64(string) => "FROM_BASE64";
    /// `HASH(algorithm, input)`.
    hash(algorithm, input) => "HASH";
    /// `LEFT(string, length)`.
    left(string, length) => "LEFT";
    /// `LENGTH(string)`: characters.
    length(string) => "LENGTH";
    /// `LOCATE(string, substring)`: 1-based position, 0 when absent.
    locate(string, substring) => "LOCATE";
    /// `LOCATE(string, substring, start)`.
    locate_from(string, substring, start) => "LOCATE";
    /// `LTRIM(string)`.
    ltrim(string) => "LTRIM";
    /// `MD5(input)`.
    md5(input) => "MD5";
    /// `REPEAT(string, number)`.
    repeat(string, number) => "REPEAT";
    /// `REPLACE(string, regex, replacement)`.
    replace(string, regex, replacement) => "REPLACE";
    /// `REVERSE(string)`.
    reverse(string) => "REVERSE";
    /// `RIGHT(string, length)`.
    right(string, length) => "RIGHT";
    /// `RTRIM(string)`.
    rtrim(string) => "RTRIM";
    /// `SHA1(input)`.
    sha1(input) => "SHA1";
    /// `SHA256(input)`.
    sha256(input) => "SHA256";
    /// `SPACE(number)`.
    space(number) => "SPACE";
    /// `SPLIT(string, delimiter)`: multi-valued.
    split(string, delimiter) => "SPLIT";
    /// `STARTS_WITH(string, prefix)`.
    starts_with(string, prefix) => "STARTS_WITH";
    /// `SUBSTRING(string, start)`.
    substring(string, start) => "SUBSTRING";
    /// `SUBSTRING(string, start, length)`.
    substring_with(string, start, length) => "SUBSTRING";
    /// `TO_BASE64(string)`.
    to_base64(string) => "TO_BASE64";
    /// `TO_LOWER(string)`.
    to_lower(string) => "TO_LOWER";
    /// `TO_UPPER(string)`.
    to_upper(string) => "TO_UPPER";
    /// `TRIM(string)`.
    trim(string) => "TRIM";
    /// `URL_DECODE(string)`.
    url_decode(string) => "URL_DECODE";
    /// `URL_ENCODE(string)` (spaces as `+`).
    url_encode(string) => "URL_ENCODE";
    /// `URL_ENCODE_COMPONENT(string)` (spaces as `%20`).
    url_encode_component(string) => "URL_ENCODE_COMPONENT";
}

family! { TYPE_CONVERSION:
    /// `TO_AGGREGATE_METRIC_DOUBLE(number)`.
    to_aggregate_metric_double(number) => "TO_AGGREGATE_METRIC_DOUBLE";
    /// `TO_BOOLEAN(field)`.
    to_boolean(field) => "TO_BOOLEAN";
    /// `TO_CARTESIANPOINT(field)`.
    to_cartesianpoint(field) => "TO_CARTESIANPOINT";
    /// `TO_CARTESIANSHAPE(field)`.
    to_cartesianshape(field) => "TO_CARTESIANSHAPE";
    /// `TO_DATE_NANOS(field)`.
    to_date_nanos(field) => "TO_DATE_NANOS";
    /// `TO_DATEPERIOD(field)`.
    to_dateperiod(field) => "TO_DATEPERIOD";
    /// `TO_DATETIME(field)`.
    to_datetime(field) => "TO_DATETIME";
    /// `TO_DEGREES(number)`.
    to_degrees(number) => "TO_DEGREES";
    /// `TO_DENSE_VECTOR(field)`.
    to_dense_vector(field) => "TO_DENSE_VECTOR";
    /// `TO_DOUBLE(field)`.
    to_double(field) => "TO_DOUBLE";
    /// `TO_GEOHASH(field)`.
    to_geohash(field) => "TO_GEOHASH";
    /// `TO_GEOHEX(field)`.
    to_geohex(field) => "TO_GEOHEX";
    /// `TO_GEOPOINT(field)`.
    to_geopoint(field) => "TO_GEOPOINT";
    /// `TO_GEOSHAPE(field)`.
    to_geoshape(field) => "TO_GEOSHAPE";
    /// `TO_GEOTILE(field)`.
    to_geotile(field) => "TO_GEOTILE";
    /// `TO_INTEGER(field)`.
    to_integer(field) => "TO_INTEGER";
    /// `TO_INTEGER(field, base)`.
    to_integer_base(field, base) => "TO_INTEGER";
    /// `TO_IP(field)`.
    to_ip(field) => "TO_IP";
    /// `TO_IP(field, options)`.
    to_ip_with(field, options) => "TO_IP";
    /// `TO_LONG(field)`.
    to_long(field) => "TO_LONG";
    /// `TO_LONG(field, base)`.
    to_long_base(field, base) => "TO_LONG";
    /// `TO_RADIANS(number)`.
    to_radians(number) => "TO_RADIANS";
    /// `TO_STRING(field)`.
    to_string(field) => "TO_STRING";
    /// `TO_TIMEDURATION(field)`.
    to_timeduration(field) => "TO_TIMEDURATION";
    /// `TO_UNSIGNED_LONG(field)`.
    to_unsigned_long(field) => "TO_UNSIGNED_LONG";
    /// `TO_VERSION(field)`.
    to_version(field) => "TO_VERSION";
}

family! { MULTI_VALUE:
    /// `MV_APPEND(a, b)`.
    mv_append(field1, field2) => "MV_APPEND";
    /// `MV_AVG(number)`.
    mv_avg(number) => "MV_AVG";
    /// `MV_CONCAT(string, delimiter)`.
    mv_concat(string, delimiter) => "MV_CONCAT";
    /// `MV_CONTAINS(superset, subset)`.
    mv_contains(superset, subset) => "MV_CONTAINS";
    /// `MV_COUNT(field)`.
    mv_count(field) => "MV_COUNT";
    /// `MV_DEDUPE(field)`.
    mv_dedupe(field) => "MV_DEDUPE";
    /// `MV_FIRST(field)`.
    mv_first(field) => "MV_FIRST";
    /// `MV_INTERSECTION(a, b)`.
    mv_intersection(field1, field2) => "MV_INTERSECTION";
    /// `MV_LAST(field)`.
    mv_last(field) => "MV_LAST";
    /// `MV_MAX(field)`.
    mv_max(field) => "MV_MAX";
    /// `MV_MEDIAN(number)`.
    mv_median(number) => "MV_MEDIAN";
    /// `MV_MEDIAN_ABSOLUTE_DEVIATION(number)`.
    mv_median_absolute_deviation(number) => "MV_MEDIAN_ABSOLUTE_DEVIATION";
    /// `MV_MIN(field)`.
    mv_min(field) => "MV_MIN";
    /// `MV_PERCENTILE(number, percentile)`.
    mv_percentile(number, percentile) => "MV_PERCENTILE";
    /// `MV_PSERIES_WEIGHTED_SUM(number, p)`.
    mv_pseries_weighted_sum(number, p) => "MV_PSERIES_WEIGHTED_SUM";
    /// `MV_SLICE(field, start)`.
    mv_slice(field, start) => "MV_SLICE";
    /// `MV_SLICE(field, start, end)`.
    mv_slice_range(field, start, end) => "MV_SLICE";
    /// `MV_SORT(field)`.
    mv_sort(field) => "MV_SORT";
    /// `MV_SORT(field, order)` (`"ASC"` / `"DESC"`).
    mv_sort_with(field, order) => "MV_SORT";
    /// `MV_SUM(number)`.
    mv_sum(number) => "MV_SUM";
    /// `MV_UNION(a, b)`.
    mv_union(field1, field2) => "MV_UNION";
    /// `MV_ZIP(a, b)`.
    mv_zip(string1, string2) => "MV_ZIP";
    /// `MV_ZIP(a, b, delimiter)`.
    mv_zip_with(string1, string2, delimiter) => "MV_ZIP";
}

family! { VECTOR:
    /// `V_COSINE(a, b)`.
    v_cosine(left, right) => "V_COSINE";
    /// `V_DOT_PRODUCT(a, b)`.
    v_dot_product(left, right) => "V_DOT_PRODUCT";
    /// `V_HAMMING(a, b)`.
    v_hamming(left, right) => "V_HAMMING";
    /// `V_L1_NORM(a, b)`.
    v_l1_norm(left, right) => "V_L1_NORM";
    /// `V_L2_NORM(a, b)`.
    v_l2_norm(left, right) => "V_L2_NORM";
    /// `V_MAGNITUDE(vector)`.
    v_magnitude(input) => "V_MAGNITUDE";
}

/// Every family's constructors, with the ES|QL function each calls (the hand-written ones —
/// `count_all`, `date_format_with`, `multi_match_with` — included).
pub const ALL: &[(&str, &str)] = &{
    const N: usize = AGGREGATE.len()
        + TIME_SERIES.len()
        + GROUPING.len()
        + CONDITIONAL.len()
        + DATE_TIME.len()
        + IP.len()
        + MATH.len()
        + SEARCH.len()
        + SPATIAL.len()
        + STRING.len()
        + TYPE_CONVERSION.len()
        + MULTI_VALUE.len()
        + VECTOR.len()
        + 3;
    let mut all = [("", ""); N];
    let families: [&[(&str, &str)]; 14] = [
        AGGREGATE,
        TIME_SERIES,
        GROUPING,
        CONDITIONAL,
        DATE_TIME,
        IP,
        MATH,
        SEARCH,
        SPATIAL,
        STRING,
        TYPE_CONVERSION,
        MULTI_VALUE,
        VECTOR,
        &[
            ("count_all", "COUNT"),
            ("date_format_with", "DATE_FORMAT"),
            ("multi_match_with", "MULTI_MATCH"),
        ],
    ];
    let (mut i, mut f) = (0, 0);
    while f < families.len() {
        let mut j = 0;
        while j < families[f].len() {
            all[i] = families[f][j];
            i += 1;
            j += 1;
        }
        f += 1;
    }
    all
};
