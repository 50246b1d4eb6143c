true && echo and1
false && echo never
false || echo or1
true || echo never
false && echo x || echo fallback
true && false || echo recovered
