{application, shop_metrics,
 [{description, "relupkit corpus demo: shop_metrics"},
  {vsn, "1.0.0"},
  {modules, [shop_metrics]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
