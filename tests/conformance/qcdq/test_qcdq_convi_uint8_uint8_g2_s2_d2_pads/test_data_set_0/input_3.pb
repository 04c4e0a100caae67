BwzpJ]
VtÌ