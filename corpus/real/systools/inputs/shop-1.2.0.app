{application, shop,
 [{description, "relupkit corpus demo: shop"},
  {vsn, "1.2.0"},
  {modules, [shop_app,shop_audit,shop_cart,shop_discount,shop_sup,shop_util]},
  {registered, []},
  {applications, [kernel, stdlib]},
  {mod, {shop_app, []}}]}.
