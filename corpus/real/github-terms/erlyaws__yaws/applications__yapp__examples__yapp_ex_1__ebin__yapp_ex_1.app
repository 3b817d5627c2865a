{application, yapp_ex_1,
 [{description,"Simple yaws application"},
  {vsn,"1.0.0"},
  {modules,[]},
  {registered, []},
  {applications,[kernel, stdlib, yaws, yapp]}]}.
