{application, some_long_application_name,
 [{description, "relupkit corpus demo: some_long_application_name"},
  {vsn, "1.0.0"},
  {modules, [some_long_application_name_server,some_long_application_name_sup]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
